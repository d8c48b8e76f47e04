import Foundation
import Testing
import VMConfig

/// `[[device]] host = ...`: the sysfs parsers on their own, and whole descriptions read against the
/// snapshot captured from a real Linux guest (`scripts/capture-sysfs.sh` → `Fixtures/sysfs/q35`).
@Suite("Host devices from sysfs")
struct HostDeviceTests {
    static var fixtures: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw CocoaError(.fileNoSuchFile)
            }
            return url.appendingPathComponent("sysfs")
        }
    }

    /// Loads a description as if it were the file `Fixtures/sysfs/vm.toml` (so sysfs = "q35"
    /// names the capture).
    static func load(_ text: String, files: any HostFileSystem = POSIXFileSystem(), file: String? = nil) throws -> MachineConfig {
        let path = try file ?? fixtures.appendingPathComponent("vm.toml").path
        return try ConfigLoader.load(text: text, file: path, hostFiles: files)
    }

    static func loadErrors(_ text: String, files: any HostFileSystem = POSIXFileSystem(), file: String? = nil) throws -> String {
        do {
            _ = try load(text, files: files, file: file)
        } catch let error as ConfigErrors {
            return error.description
        }
        Issue.record("accepted: \(text)")
        return ""
    }

    static func description(_ device: String, bus: Bool = true) -> String {
        """
        memory = "2G"
        [[root_port]]
        id = "rp1"
        [[device]]
        id = "d0"
        \(bus ? "bus = \"rp1\"\n" : "")\(device)

        """
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var bdf: String
        var model: String
        var size: UInt64?
        var extra = ""
        var testDescription: String { "\(model) at \(bdf)" }
    }

    // The VGA's ROM is the boot VGA's shadow copy in sysfs (no size), so the description gives it.
    static let cases: [Case] = [
        Case(bdf: "0000:01:00.0", model: "nvme"),
        Case(bdf: "0000:02:00.0", model: "e1000e"),
        Case(bdf: "0000:03:00.0", model: "VGA", extra: "rom = \"64K\"\nfunctions = [0]"),
        Case(bdf: "0000:04:00.0", model: "ivshmem-plain", size: 16 << 30),
    ]

    @Test("host device from the capture equals the catalog model behind a root port", arguments: cases)
    func snapshotEqualsCatalog(_ item: Case) throws {
        let config = try Self.load(Self.description("host = \"\(item.bdf)\"\nsysfs = \"q35\"\n" + item.extra))
        #expect(config.devices.count == 1)
        let device = try #require(config.devices.first)
        let host = try #require(device.hostModel)
        let catalog = try #require(DeviceCatalog.model(named: item.model, placement: .rootPort, size: item.size))
        #expect(host.vendorID == catalog.vendorID)
        #expect(host.deviceID == catalog.deviceID)
        #expect(host.classCode == catalog.classCode)
        #expect(host.interruptPin == catalog.interruptPin)
        #expect(host.pcieType == catalog.pcieType)
        #expect(host.bars == catalog.bars)
        #expect(device.effectiveBARs == catalog.bars)
        #expect(device.passthrough == item.bdf)
    }

    @Test func multiFunctionSlotComesAlong() throws {
        let config = try Self.load(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"\n"))
        #expect(config.devices.map(\.id) == ["d0", "d0.f1"])
        #expect(config.devices.map(\.addr) == [SlotAddress(device: 0, function: 0), SlotAddress(device: 0, function: 1)])
        #expect(config.devices.map(\.bus) == ["rp1", "rp1"])
        let audio = try #require(config.devices.last?.hostModel)
        let catalog = try #require(DeviceCatalog.model(named: "ich9-intel-hda", placement: .rootPort))
        #expect(audio.bars == catalog.bars)
        #expect(audio.vendorID == catalog.vendorID && audio.deviceID == catalog.deviceID && audio.classCode == catalog.classCode)
        #expect(config.devices.last?.passthrough == "0000:03:00.1")
    }

    /// `placement = "identity"` on the VGA + audio slot: the resource lines say BAR0 (16M pref
    /// mem32) at 0xfd000000 and BAR2 (4K) at 0xfe414000, the ROM line is the shadow copy at
    /// 0xc0000 (no host address: the ROM, sized by rom, is left to the planner), and the audio
    /// function brought along follows the placement: its BAR0 (16K) at 0xfe410000.
    @Test func identityTakesTheHostAddressesAndTheSlotFollows() throws {
        let config = try Self.load(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"\nplacement = \"identity\"\n"))
        #expect(config.devices.map(\.identityAddresses) == [[0: 0xFD00_0000, 2: 0xFE41_4000], [0: 0xFE41_0000]])
        let virtual = try Self.load(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"\nplacement = \"virtual\"\n"))
        #expect(virtual.devices.allSatisfy { $0.identityAddresses.isEmpty })
        let unset = try Self.load(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"\n"))
        #expect(unset == virtual)
    }

    /// The e1000e's ROM has a host address (line 7, 0xfe600000, not shadowed): identity keeps it.
    @Test func identityKeepsAnAssignedROM() throws {
        let config = try Self.load(Self.description("host = \"0000:02:00.0\"\nsysfs = \"q35\"\nplacement = \"identity\"\n"))
        #expect(config.devices.first?.identityAddresses == [0: 0xFE64_0000, 1: 0xFE66_0000, 2: 0xC000, 3: 0xFE68_0000, 6: 0xFE60_0000])
    }

    @Test func shadowedROMAsksForRom() throws {
        let text = try Self.loadErrors(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nfunctions = [0]\n"))
        #expect(text.contains("device[0].host = \"0000:03:00.0\""))
        #expect(text.contains("q35/0000:03:00.0/resource"))
        #expect(text.contains("IORESOURCE_ROM_SHADOW"))
        #expect(text.contains("rom = "))
    }

    @Test func barsOverrideWhatIsRead() throws {
        let config = try Self.load(Self.description("""
            host = "0000:01:00.0"
            sysfs = "q35"
            bars = [{ bar = 0, size = "64K", kind = "mem64" }]
            """))
        #expect(config.devices[0].effectiveBARs == [BARSpec(index: 0, kind: .mem64, size: 0x10000)])
    }

    @Test("bad host inputs", arguments: [
        ("host = \"0000:09:00.0\"\nsysfs = \"q35\"", ["no PCI function 0000:09:00.0"]),
        ("host = \"+000:01:00.0\"\nsysfs = \"q35\"", ["is not a host PCI address", "DDDD:BB:DD.F"]),
        ("host = \"0000:01:00.8\"", ["is not a host PCI address"]),
        ("host = \"0000:00:00.0\"\nsysfs = \"q35\"", ["0000:00:00.0/config", "host bridge"]),
        ("host = \"0000:00:02.0\"\nsysfs = \"q35\"", ["0000:00:02.0/config", "header type 1", "[[root_port]]"]),
        ("host = \"0000:01:00.0\"\nsysfs = \"nowhere\"", ["nowhere/0000:01:00.0", "does not exist"]),
        ("host = \"0000:01:00.0\"\nmodel = \"nvme\"", ["device[0].model", "not a catalog model"]),
        ("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"\nfunctions = [0, 2]", ["device[0].functions", "does not have"]),
        ("sysfs = \"q35\"\nmodel = \"nvme\"", ["device[0].sysfs", "only a host device"]),
    ])
    func refused(_ device: String, _ words: [String]) throws {
        let text = try Self.loadErrors(Self.description(device))
        for word in words { #expect(text.contains(word), "\(word) not in: \(text)") }
    }

    @Test func multiFunctionOnBusZeroNeedsAddr() throws {
        let text = try Self.loadErrors(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"", bus: false))
        #expect(text.contains("device[0].addr"))
        #expect(text.contains("functions = [0]"))
        let config = try Self.load(Self.description("host = \"0000:03:00.0\"\nsysfs = \"q35\"\nrom = \"64K\"\naddr = \"05.0\"", bus: false))
        #expect(config.devices.map(\.addr) == [SlotAddress(device: 5, function: 0), SlotAddress(device: 5, function: 1)])
    }

    // MARK: - In-memory hosts

    static func capture(_ bdf: String) throws -> (resource: [UInt8], config: [UInt8]) {
        let directory = try fixtures.appendingPathComponent("q35").appendingPathComponent(bdf)
        return (Array(try Data(contentsOf: directory.appendingPathComponent("resource"))),
                Array(try Data(contentsOf: directory.appendingPathComponent("config"))))
    }

    static func memoryHost(_ functions: [String: (resource: [UInt8], config: [UInt8])]) -> MemoryFileSystem {
        var files: [String: [UInt8]] = [:]
        for (bdf, content) in functions {
            files["/host/\(bdf)/resource"] = content.resource
            files["/host/\(bdf)/config"] = content.config
        }
        return MemoryFileSystem(files: files)
    }

    static func hostErrors(_ host: MemoryFileSystem, _ device: String) throws -> String {
        try loadErrors(description("host = \"0000:01:00.0\"\nsysfs = \"/host\"\n" + device), files: host)
    }

    @Test func unassignedBARAsksForBars() throws {
        var nvme = try Self.capture("0000:01:00.0")
        // BAR0's line emptied, as for a BAR the host left unassigned; its register keeps 0x...4.
        var lines = String(decoding: nvme.resource, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        lines[0] = "0x0000000000000000 0x0000000000000000 0x0000000000000000"
        nvme.resource = Array(lines.joined(separator: "\n").utf8)
        let host = Self.memoryHost(["0000:01:00.0": nvme])
        let text = try Self.hostErrors(host, "")
        #expect(text.contains("BAR 0 (mem64) has no size"))
        #expect(text.contains("bars = [{ bar = 0"))
        let config = try Self.load(Self.description("host = \"0000:01:00.0\"\nsysfs = \"/host\"\nbars = [{ bar = 0, size = \"16K\", kind = \"mem64\" }]"), files: host)
        #expect(config.devices[0].effectiveBARs == DeviceCatalog.model(named: "nvme", placement: .rootPort)?.bars)
    }

    @Test func missingAndTruncatedFiles() throws {
        let nvme = try Self.capture("0000:01:00.0")
        var host = Self.memoryHost(["0000:01:00.0": nvme])
        host.files["/host/0000:01:00.0/config"] = nil
        var text = try Self.hostErrors(host, "")
        #expect(text.contains("/host/0000:01:00.0/config: cannot be read"))
        host = Self.memoryHost(["0000:01:00.0": (nvme.resource, Array(nvme.config.prefix(64)))])
        text = try Self.hostErrors(host, "")
        #expect(text.contains("/host/0000:01:00.0/config: is 64 bytes"), "\(text)")
        #expect(text.contains("truncated"))
        host = Self.memoryHost(["0000:01:00.0": (nvme.resource, Array(nvme.config.prefix(40)))])
        text = try Self.hostErrors(host, "")
        #expect(text.contains("shorter than the 64-byte header"))
        host = Self.memoryHost(["0000:01:00.0": (Array(nvme.resource.prefix(100)), nvme.config)])
        text = try Self.hostErrors(host, "")
        #expect(text.contains("/host/0000:01:00.0/resource: line 2 is cut short"))
    }

    @Test func virtualFunctionIsRefused() throws {
        var nvme = try Self.capture("0000:01:00.0")
        nvme.config.replaceSubrange(0..<4, with: [0xff, 0xff, 0xff, 0xff])
        let text = try Self.hostErrors(Self.memoryHost(["0000:01:00.0": nvme]), "")
        #expect(text.contains("SR-IOV virtual function"))
    }

    // MARK: - The parsers

    @Test func addresses() {
        #expect(HostPCIAddress("0000:65:00.0")?.description == "0000:65:00.0")
        #expect(HostPCIAddress("ABCD:EF:1F.7")?.description == "abcd:ef:1f.7")
        for bad in ["+000:65:00.0", "-000:65:00.0", "0000:65:00.8", "0000:65:20.0", "0000:65:0g.0", "000:065:00.0",
                    "0000:65:00.0 ", "0x00:65:00.0", "65:00.0", ""] {
            #expect(HostPCIAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func resourceLines() throws {
        let line = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
        #expect(try SysfsResource.parse(Array(String(repeating: line, count: 7).utf8)).count == 7)
        #expect(throws: HostFileProblem.self) { try SysfsResource.parse(Array(String(repeating: line, count: 6).utf8)) }
        #expect(throws: HostFileProblem.self) { try SysfsResource.parse(Array((String(repeating: line, count: 7) + "0x1 0x2").utf8)) }
        #expect(throws: HostFileProblem.self) { try SysfsResource.parse(Array((String(repeating: line, count: 6) + "0x1 0x2 -0x3\n").utf8)) }
        #expect(throws: HostFileProblem.self) { try SysfsResource.parse(Array((String(repeating: line, count: 6) + "0x11111111111111111 0x2 0x3\n").utf8)) }
    }

    @Test func resizableBARCapability() throws {
        var config = [UInt8](repeating: 0, count: 4096)
        config[0] = 0x86; config[1] = 0x80; config[6] = 0x10; config[0x34] = 0x40
        config[0x40] = 0x10; config[0x42] = 0x02   // PCI Express capability, version 2, endpoint
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { config[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
        }
        put(0x0001_0015, at: 0x100)                // ID 0x15, version 1, last
        put(0x0000_0070, at: 0x104)                // 1M, 2M, 4M supported
        put(0x0000_0220, at: 0x108)                // BAR 0, one resizable BAR, current 4M
        let space = try HostConfigSpace.parse(config)
        #expect(space.pcieType == .endpoint)
        #expect(space.resizableBARs == [ResizableBAR(index: 0, supportedSizes: [1 << 20, 2 << 20, 4 << 20], currentSize: 4 << 20)])
        put(0x1000_0015, at: 0x100)                // next = 0x100: a loop
        #expect(throws: HostFileProblem.self) { try HostConfigSpace.parse(config) }
    }

    @Test func capabilityListLoopIsRefused() throws {
        var config = try Self.capture("0000:01:00.0").config
        let first = Int(config[0x34])
        config[first + 1] = UInt8(first)
        #expect(throws: HostFileProblem.self) { try HostConfigSpace.parse(config) }
    }

    /// Mutated captures and random bytes: the parsers answer or throw, never trap.
    @Test func mutatedBytesNeverTrap() throws {
        var generator = SystemRandomNumberGenerator()
        let seeds = try ["0000:01:00.0", "0000:02:00.0", "0000:03:00.0", "0000:04:00.0"].map(Self.capture)
        for round in 0..<3000 {
            let seed = seeds[round % seeds.count]
            var config = round % 7 == 0 ? (0..<Int.random(in: 0...4200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } : seed.config
            var resource = seed.resource
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                if !config.isEmpty { config[Int.random(in: 0..<config.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                if !resource.isEmpty { resource[Int.random(in: 0..<resource.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            }
            if Bool.random(using: &generator) { config = Array(config.prefix(Int.random(in: 0...config.count, using: &generator))) }
            if Bool.random(using: &generator) { resource = Array(resource.prefix(Int.random(in: 0...resource.count, using: &generator))) }
            if let space = try? HostConfigSpace.parse(config), let lines = try? SysfsResource.parse(resource) {
                let function = HostFunction(address: HostPCIAddress("0000:01:00.0")!, config: space, resources: lines)
                _ = try? function.checkEndpoint()
                _ = try? function.readings()
            }
        }
    }
}

/// A host made of bytes in memory: directories are the paths' prefixes.
struct MemoryFileSystem: HostFileSystem {
    var files: [String: [UInt8]]

    func readFile(_ path: String, limit: Int) -> Result<[UInt8], HostFileSystemError> {
        guard let bytes = files[path] else { return .failure(HostFileSystemError("No such file or directory", missing: true)) }
        return bytes.count > limit ? .failure(HostFileSystemError("too large")) : .success(bytes)
    }

    func listDirectory(_ path: String) -> Result<[String], HostFileSystemError> {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        let names = Set(files.keys.filter { $0.hasPrefix(prefix) }.compactMap { $0.dropFirst(prefix.count).split(separator: "/").first.map(String.init) })
        return names.isEmpty ? .failure(HostFileSystemError("No such file or directory", missing: true)) : .success(names.sorted())
    }
}
