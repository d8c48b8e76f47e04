/// Turns a parsed document into a `MachineConfig`, checking every key. Errors are collected over
/// the whole document and thrown together.
public enum ConfigDecoder {
    static let topKeys = ["name", "vmm", "memory", "vcpus", "phys_bits", "ecam", "mmio", "acpi", "xen",
                          "host_bridge", "root_port", "switch", "pci_bridge", "device"]
    static let acpiKeys = ["oem_id", "oem_table_id", "oem_revision"]
    static let ecamKeys = ["policy", "buses", "base"]
    static let mmioKeys = ["hole", "window64", "relocate_ram"]
    static let xenKeys = ["platform_pci", "platform_pci_bar_uc", "vga", "videoram"]
    static let rootPortKeys = ["id", "bus", "addr", "hotplug", "reserve"]
    static let reserveKeys = ["bus", "io", "mem", "pref64"]
    static let deviceKeys = ["id", "model", "bus", "addr", "size", "passthrough", "bars", "rom", "placement"] + hostDeviceKeys
    static let barKeys = ["bar", "size", "kind", "prefetchable"]

    public static let physBitsRange = 36...52
    public static let vcpuRange = 1...255
    public static let minimumMemory: UInt64 = 128 << 20
    /// xl.cfg's accepted range for mmio_hole.
    public static let holeRange: ClosedRange<UInt64> = (256 << 20)...(3840 << 20)

    /// `policyOverride` is `--policy` from the command line; it wins over `ecam.policy`.
    public static func decode(_ document: ConfigTable, file: String, defaultName: String,
                              policyOverride: PlacementPolicy? = nil,
                              hostFiles: any HostFileSystem = POSIXFileSystem()) throws(ConfigErrors) -> MachineConfig {
        let diagnostics = Diagnostics(file: file)
        let top = FieldReader(document, path: "", location: nil, diagnostics: diagnostics, knownKeys: topKeys)
        let name = decodeName(top, defaultName: defaultName)
        let decodedVMM = decodeEnum(top, "vmm", VMMKind.self)
        let vmm = decodedVMM ?? .qemu
        let physBits = top.integer("phys_bits", in: physBitsRange, accepted: "an integer from 36 to 52") ?? 40
        let memory = decodeMemory(top, physBits: physBits)
        let vcpus = top.integer("vcpus", in: vcpuRange, accepted: "an integer from 1 to 255") ?? 1
        var ecam = decodeECAM(top, diagnostics: diagnostics)
        if let policyOverride { ecam.policy = policyOverride }
        let mmio = decodeMMIO(top, vmm: vmm, physBits: physBits, diagnostics: diagnostics)
        let identity = decodeTableIdentity(top, diagnostics: diagnostics)
        let hostBridges = decodeList(top, "host_bridge", keys: hostBridgeKeys, diagnostics: diagnostics, decodeHostBridge)
        let ports = decodeList(top, "root_port", keys: rootPortKeys, diagnostics: diagnostics, decodeRootPort)
        let switches = decodeList(top, "switch", keys: switchKeys, diagnostics: diagnostics, decodeSwitch)
        let bridges = decodeList(top, "pci_bridge", keys: pciBridgeKeys, diagnostics: diagnostics, decodePCIBridge)
        let host = HostContext(files: hostFiles, baseDirectory: HostContext.baseDirectory(of: file))
        let devices = decodeList(top, "device", keys: deviceKeys, diagnostics: diagnostics) { reader, index in
            decodeDevice(reader, index: index, physBits: physBits, host: host)
        }.flatMap { located in located.value.map { Located(value: $0, reader: located.reader) } }
        // A vmm already refused is not held against [xen] too.
        let xen = decodeXen(top, vmm: top.node("vmm") != nil && decodedVMM == nil ? nil : vmm, diagnostics: diagnostics)
        let tree = DecodedTree(hostBridges: hostBridges, ports: ports, switches: switches, bridges: bridges, devices: devices)
        TopologyRules.check(tree, ecam: ecam, guestDevices: vmm == .xen ? XenGuest.devices(xen) : [], diagnostics: diagnostics)
        if let base = ecam.base { checkECAMBase(base, ecam: ecam, top: top, diagnostics: diagnostics) }
        guard diagnostics.isEmpty, let memory else {
            throw diagnostics.collected
        }
        var config = MachineConfig(name: name, vmm: vmm, memory: memory, vcpus: vcpus, physBits: physBits,
                                   ecam: ecam, mmio: mmio, rootPorts: ports.map(\.value), devices: devices.map(\.value),
                                   tableIdentity: identity)
        config.hostBridges = hostBridges.map(\.value)
        config.switches = switches.map(\.value.value)
        config.pciBridges = bridges.map(\.value)
        config.xen = xen
        return config
    }

    /// `[xen]`: the devices libxl adds to an HVM guest, with libxl's defaults (`XenConfig`).
    static func decodeXen(_ top: FieldReader, vmm: VMMKind?, diagnostics: Diagnostics) -> XenConfig {
        guard let node = top.node("xen") else { return XenConfig() }
        if vmm == .qemu {
            diagnostics.report("xen", node, problem: "describes the devices libxl adds to a Xen guest, and this is a QEMU guest",
                               accepted: "a [xen] table only with vmm = \"xen\"")
            return XenConfig()
        }
        guard let (table, _) = top.table("xen") else { return XenConfig() }
        let reader = FieldReader(table, path: "xen", location: node.location, diagnostics: diagnostics, knownKeys: xenKeys)
        let defaults = XenConfig()
        let platformPCI = reader.bool("platform_pci") ?? defaults.platformPCI
        let barUC = reader.bool("platform_pci_bar_uc") ?? defaults.platformPCIBarUC
        let vga = decodeEnum(reader, "vga", XenVGA.self) ?? defaults.vga
        let videoram = decodeVideoRAM(reader, vga: vga, vgaGiven: reader.node("vga") != nil)
        return XenConfig(platformPCI: platformPCI, platformPCIBarUC: barUC, vga: vga, videoram: videoram)
    }

    /// xl.cfg's `videoram` is whole MB, at least libxl's minimum for the card (its default), and
    /// at most what QEMU's model honours.
    static func decodeVideoRAM(_ reader: FieldReader, vga: XenVGA, vgaGiven: Bool) -> UInt64? {
        guard reader.node("videoram") != nil else { return nil }
        let card = "vga = \"\(vga.rawValue)\"" + (vgaGiven ? "" : " (libxl's default)")
        let accepted: String = switch vga {
        case .stdvga: "a multiple of 1M from 16M to 512M with \(card)"
        case .cirrus: "\"8M\" or \"16M\" with \(card)"
        case .none: "no videoram with \(card)"
        }
        guard let size = reader.quantity("videoram", accepted: accepted) else { return nil }
        let field = reader.field("videoram"), node = reader.node("videoram")
        let problem: String? = if vga == .none {
            "there is no emulated graphics card to hold video memory"
        } else if size % (1 << 20) != 0 {
            "is not a whole number of MiB (xl.cfg's videoram is in MB)"
        } else if size < vga.minimumVideoRAM {
            "is below libxl's minimum for \(card): \(Quantity.format(vga.minimumVideoRAM))"
        } else if vga == .stdvga && size > vga.maximumVideoRAM {
            "is more than QEMU's VGA holds (it clamps vgamem_mb to 512)"
        } else if vga == .cirrus && size != 8 << 20 && size != 16 << 20 {
            "is not a video memory size QEMU's cirrus-vga accepts (vgamem_mb 4, 8 or 16; libxl's minimum is 8)"
        } else {
            nil
        }
        if let problem {
            reader.diagnostics.report(field, node, problem: problem, accepted: accepted)
            return nil
        }
        return size
    }

    static func decodeName(_ top: FieldReader, defaultName: String) -> String {
        let accepted = "1 to 64 letters, digits, '.', '_' or '-'"
        guard let name = top.string("name", accepted: accepted) else { return defaultName }
        guard (1...64).contains(name.count), name.allSatisfy(isNameCharacter) else {
            top.diagnostics.report("name", top.node("name"), problem: "is not a valid name", accepted: accepted)
            return defaultName
        }
        return name
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-")
    }

    static func decodeEnum<E: RawRepresentable & CaseIterable>(_ reader: FieldReader, _ key: String, _: E.Type) -> E?
    where E.RawValue == String {
        let accepted = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        guard let text = reader.string(key, accepted: accepted) else { return nil }
        guard let value = E(rawValue: text) else {
            reader.diagnostics.report(reader.field(key), reader.node(key), problem: "is not a known value", accepted: accepted)
            return nil
        }
        return value
    }

    static func decodeMemory(_ top: FieldReader, physBits: Int) -> UInt64? {
        let limit = (UInt64(1) << physBits) / 2
        let accepted = "a multiple of 1M from 128M to \(Quantity.format(limit)) (half of 2^phys_bits)"
        guard top.node("memory") != nil else {
            top.reportMissing("memory", accepted: "a size such as \"2G\"")
            return nil
        }
        guard let memory = top.quantity("memory", accepted: accepted) else { return nil }
        guard memory % (1 << 20) == 0, memory >= minimumMemory, memory <= limit else {
            top.diagnostics.report("memory", top.node("memory"), problem: "is not a usable RAM size", accepted: accepted)
            return nil
        }
        return memory
    }

    static func decodeECAM(_ top: FieldReader, diagnostics: Diagnostics) -> ECAMConfig {
        guard let (table, node) = top.table("ecam") else { return ECAMConfig() }
        let reader = FieldReader(table, path: "ecam", location: node.location, diagnostics: diagnostics, knownKeys: ecamKeys)
        var ecam = ECAMConfig()
        ecam.policy = decodeEnum(reader, "policy", PlacementPolicy.self) ?? .hvmloader
        if let buses = reader.integer("buses", in: 1...256, accepted: "64, 128 or 256") {
            if ECAMConfig.acceptedBusCounts.contains(buses) {
                ecam.buses = buses
            } else {
                diagnostics.report("ecam.buses", reader.node("buses"), problem: "is not a Q35 PCIEXBAR length", accepted: "64, 128 or 256")
            }
        }
        ecam.base = reader.quantity("base", accepted: "a 256M-aligned address below 64G")
        return ecam
    }

    /// The base must be a window PCIEXBAR can decode, clear of the chipset's fixed ranges. Whether
    /// it meets RAM depends on the memory map, which the planner checks.
    static func checkECAMBase(_ base: UInt64, ecam: ECAMConfig, top: FieldReader, diagnostics: Diagnostics) {
        let node = (top.table("ecam")?.0).flatMap { $0["base"] }
        let accepted = "a multiple of 256M below 64G, clear of RAM and of 0xfec00000-0xffffffff"
        if base % (256 << 20) != 0 {
            diagnostics.report("ecam.base", node, problem: "is not aligned to 256M (PCIEXBAR decodes bits 35:28)", accepted: accepted)
            return
        }
        guard let end = diagnostics.sum(base, ecam.size, adding: "the ECAM's size", field: "ecam.base", node, accepted: accepted) else {
            return
        }
        if end > 64 << 30 {
            diagnostics.report("ecam.base", node, problem: "puts the ECAM above 64G, which PCIEXBAR cannot address", accepted: accepted)
        } else if base < 1 << 20 || (base < FixedRanges.chipsetEnd && end > FixedRanges.chipsetStart) {
            diagnostics.report("ecam.base", node, problem: "overlaps fixed chipset ranges (legacy area below 1M, or IOAPIC/HPET/LAPIC/firmware at 0xfec00000-0xffffffff)", accepted: accepted)
        }
    }

    static func decodeMMIO(_ top: FieldReader, vmm: VMMKind, physBits: Int, diagnostics: Diagnostics) -> MMIOConfig {
        guard let (table, node) = top.table("mmio") else { return MMIOConfig() }
        let reader = FieldReader(table, path: "mmio", location: node.location, diagnostics: diagnostics, knownKeys: mmioKeys)
        var mmio = MMIOConfig()
        let holeAccepted = "a multiple of 1M from 256M to 3840M (xl.cfg's mmio_hole range)"
        if let hole = reader.quantity("hole", accepted: holeAccepted) {
            if hole % (1 << 20) == 0 && holeRange.contains(hole) {
                mmio.hole = hole
            } else {
                diagnostics.report("mmio.hole", reader.node("hole"), problem: "is not a usable hole size", accepted: holeAccepted)
            }
        }
        let windowAccepted = "a multiple of 1G, at most 2^phys_bits / 2 (\(Quantity.format((UInt64(1) << physBits) / 2)))"
        if let window = reader.quantity("window64", accepted: windowAccepted) {
            if window > 0 && window % (1 << 30) == 0 && window <= (UInt64(1) << physBits) / 2 {
                mmio.window64 = window
            } else {
                diagnostics.report("mmio.window64", reader.node("window64"), problem: "is not a usable 64-bit window size", accepted: windowAccepted)
            }
        }
        if let relocate = reader.bool("relocate_ram") {
            if relocate && vmm == .qemu {
                diagnostics.report("mmio.relocate_ram", reader.node("relocate_ram"),
                                   problem: "QEMU decides its RAM split itself and never relocates RAM",
                                   accepted: "false, or vmm = \"xen\"")
            }
            mmio.relocateRAM = relocate
        }
        return mmio
    }

    static func decodeTableIdentity(_ top: FieldReader, diagnostics: Diagnostics) -> TableIdentity {
        guard let (table, node) = top.table("acpi") else { return TableIdentity() }
        let reader = FieldReader(table, path: "acpi", location: node.location, diagnostics: diagnostics, knownKeys: acpiKeys)
        func text(_ key: String, maxLength: Int) -> String? {
            let accepted = "1 to \(maxLength) printable ASCII characters"
            guard let value = reader.string(key, accepted: accepted) else { return nil }
            guard (1...maxLength).contains(value.count), value.allSatisfy({ $0.isASCII && !$0.isNewline && ($0.asciiValue ?? 0) >= 0x20 && ($0.asciiValue ?? 0) < 0x7f }) else {
                diagnostics.report(reader.field(key), reader.node(key), problem: "does not fit an ACPI header field", accepted: accepted)
                return nil
            }
            return value
        }
        let revision = reader.integer("oem_revision", in: 0...Int(UInt32.max), accepted: "an integer from 0 to 4294967295")
        return TableIdentity(oemID: text("oem_id", maxLength: 6), oemTableID: text("oem_table_id", maxLength: 8),
                             oemRevision: revision.map(UInt32.init))
    }

    /// An array of tables (`[[root_port]]`), each decoded with its own path and line.
    static func decodeList<T>(_ top: FieldReader, _ key: String, keys knownKeys: [String], diagnostics: Diagnostics,
                              _ decodeOne: (FieldReader, Int) -> T?) -> [Located<T>] {
        guard let items = top.array(key) else { return [] }
        var result: [Located<T>] = []
        for (index, item) in items.enumerated() {
            let path = "\(key)[\(index)]"
            guard case .table(let table) = item.value else {
                diagnostics.report(path, item, problem: "must be a table, not \(item.value.typeName)")
                continue
            }
            let reader = FieldReader(table, path: path, location: item.location, diagnostics: diagnostics, knownKeys: knownKeys)
            if let value = decodeOne(reader, index) {
                result.append(Located(value: value, reader: reader))
            }
        }
        return result
    }

    static let idAccepted = "1 to 32 letters, digits, '_' or '-', starting with a letter"

    static func decodeID(_ reader: FieldReader) -> String? {
        guard reader.node("id") != nil else {
            reader.reportMissing("id", accepted: idAccepted)
            return nil
        }
        guard let id = reader.string("id", accepted: idAccepted) else { return nil }
        let valid = (1...32).contains(id.count) && id.first!.isLetter && id.first!.isASCII
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        guard valid else {
            reader.diagnostics.report(reader.field("id"), reader.node("id"), problem: "is not a valid id", accepted: idAccepted)
            return nil
        }
        return id
    }

    static let busZeroAddressAccepted = "\"DD.F\": a hex device 01-1e and a function 0-7, e.g. \"10.0\""
    static let rootPortAddressAccepted = "\"DD.F\": a hex device and a function 0-7: 01-1e on bus 0 (e.g. \"10.0\"), 00-1f on a host bridge's bus"

    static func decodeAddress(_ reader: FieldReader, accepted: String) -> SlotAddress? {
        guard let text = reader.string("addr", accepted: accepted) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 1,
           let device = hexField(parts[0]), let function = hexField(parts[1]), device < 32, function < 8 {
            return SlotAddress(device: device, function: function)
        }
        reader.diagnostics.report(reader.field("addr"), reader.node("addr"), problem: "is not a device.function address", accepted: accepted)
        return nil
    }

    /// The value of a field of hexadecimal digits and nothing else. `Int(_:radix:)` takes a
    /// leading `+` or `-`, which no PCI address has.
    static func hexField(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 8 else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard let digit = SourceByte.hexValue(byte) else { return nil }
            value = value << 4 | Int(digit)
        }
        return value
    }

    static func decodeRootPort(_ reader: FieldReader, index: Int) -> RootPort? {
        let id = decodeID(reader)
        let bus = reader.string("bus", accepted: "the id of a [[host_bridge]], or no bus key for PCI0's bus 0")
        let addr = decodeAddress(reader, accepted: rootPortAddressAccepted)
        let hotplug = reader.bool("hotplug") ?? false
        let reserve = decodeReservation(reader, hotplug: hotplug)
        guard let id else { return nil }
        var port = RootPort(id: id, addr: addr, hotplug: hotplug, reserve: reserve)
        port.bus = bus
        return port
    }

    static func decodeReservation(_ port: FieldReader, hotplug: Bool) -> Reservation {
        guard let (table, node) = port.table("reserve") else { return Reservation() }
        let reader = FieldReader(table, path: port.field("reserve"), location: node.location,
                                 diagnostics: port.diagnostics, knownKeys: reserveKeys)
        var reserve = Reservation()
        reserve.buses = reader.integer("bus", in: 1...255, accepted: "bus numbers behind the port, 1 to 255")
        reserve.io = reservationSize(reader, "io", granule: 0x1000, limit: 0x10000, sizes: "a multiple of 4K", upTo: " up to 64K", hotplug: hotplug)
        reserve.mem = reservationSize(reader, "mem", granule: 1 << 20, limit: 2 << 30, sizes: "a multiple of 1M", upTo: " up to 2G", hotplug: hotplug)
        reserve.pref64 = reservationSize(reader, "pref64", granule: 1 << 20, limit: 1 << 50, sizes: "a multiple of 1M", upTo: "", hotplug: hotplug)
        return reserve
    }

    /// A window size: 0 closes the window, except memory windows on a hot-pluggable port. Linux
    /// sizes such a port's closed window itself (it logs "bridge window ...: assigned") and
    /// QEMU's pcie-root-port decodes all three kinds whatever its reservation, so the guest would
    /// not keep that layout (checked with Debian's 6.1 kernel on QEMU 7.2). `io = "0"` stays
    /// allowed there: QEMU users pass io-reserve=0 on purpose to save the 64K of I/O space, and
    /// the plan says so (`MachineConfig.descriptionWarnings`).
    static func reservationSize(_ reader: FieldReader, _ key: String, granule: UInt64, limit: UInt64,
                                sizes: String, upTo: String, hotplug: Bool) -> UInt64? {
        let zeroAllowed = !hotplug || key == "io"
        let accepted = !zeroAllowed ? "\(sizes) from \(Quantity.format(granule))\(upTo) on a hot-pluggable port, or hotplug = false"
            : hotplug ? "0 (no window planned: Linux opens one itself) or \(sizes)\(upTo)"
            : "0 or \(sizes)\(upTo)"
        guard let size = reader.quantity(key, accepted: accepted) else { return nil }
        guard size % granule == 0, size <= limit else {
            reader.diagnostics.report(reader.field(key), reader.node(key), problem: "is not a usable window size", accepted: accepted)
            return nil
        }
        if !zeroAllowed && size == 0 {
            reader.diagnostics.report(reader.field(key), reader.node(key),
                                      problem: "closes the window of a hot-pluggable port, which Linux then opens and places itself (\"bridge window ...: assigned\"), so the plan would not hold",
                                      accepted: accepted)
            return nil
        }
        return size
    }
}

/// A decoded value with the reader of its table, for checks that span several entries.
struct Located<T> {
    var value: T
    var reader: FieldReader
}
