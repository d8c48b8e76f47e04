import Foundation
import Testing
import VMConfig

/// Holds `DeviceCatalog` to what QEMU 7.2 itself presents: the fixtures in `Fixtures/qemu-7.2/`
/// were captured by `scripts/capture-catalog.sh` (booting QEMU with every model, in every
/// placement, and every bridge model) and are described at the top of every fixture file;
/// `interfaces.txt` is QEMU's own word on the models' PCI/PCIe interfaces and where it accepts
/// them (`scripts/capture-interfaces.sh`).
@Suite("Device catalog vs. QEMU 7.2 captures")
struct DeviceCatalogTests {
    // MARK: - Catalog against the captured data

    @Test("catalog model equals the capture", arguments: DeviceCatalog.endpointModels, Placement.allCases)
    func endpointMatchesCapture(name: String, placement: Placement) throws {
        let fixtures = try CapturedFunction.all().filter { $0.model == name && $0.placement == placement }
        #expect(!fixtures.isEmpty, "\(name) (\(placement.rawValue)): no fixture (run scripts/capture-catalog.sh)")
        for fixture in fixtures {
            let context = "\(fixture.label) [\(fixture.file)]"
            guard let model = DeviceCatalog.model(named: name, placement: placement, size: fixture.size) else {
                Issue.record("\(context): DeviceCatalog.model(named:placement:size:) returned nil")
                continue
            }
            expectEqual(model, fixture, context: context)
        }
    }

    @Test("DeviceCatalog.rootPort equals the capture")
    func rootPortMatchesCapture() throws {
        let fixtures = try CapturedFunction.all().filter { $0.model == DeviceCatalog.rootPortModel }
        #expect(fixtures.count == 1, "\(DeviceCatalog.rootPortModel): expected one fixture, found \(fixtures.count)")
        for fixture in fixtures {
            expectEqual(DeviceCatalog.rootPort, fixture, context: "\(fixture.label) [\(fixture.file)]")
        }
    }

    @Test("every bridge model equals its capture", arguments: DeviceCatalog.bridgeModels.keys.sorted())
    func bridgeMatchesCapture(name: String) throws {
        let model = try #require(DeviceCatalog.bridgeModels[name])
        #expect(model.name == name)
        let fixtures = try CapturedFunction.all().filter { $0.model == name }
        #expect(fixtures.count == 1, "\(name): expected one fixture, found \(fixtures.count)")
        for fixture in fixtures {
            expectEqual(model, fixture, context: "\(fixture.label) [\(fixture.file)]")
        }
    }

    @Test("the named bridge models are the catalog's bridge models")
    func bridgeModelNames() {
        #expect(DeviceCatalog.switchUpstream == DeviceCatalog.bridgeModels["x3130-upstream"])
        #expect(DeviceCatalog.switchDownstream == DeviceCatalog.bridgeModels["xio3130-downstream"])
        #expect(DeviceCatalog.pciePCIBridge == DeviceCatalog.bridgeModels["pcie-pci-bridge"])
        #expect(DeviceCatalog.pciBridge == DeviceCatalog.bridgeModels["pci-bridge"])
        #expect(DeviceCatalog.pxbPCIe == DeviceCatalog.bridgeModels["pxb-pcie"])
        #expect(DeviceCatalog.rootPort == DeviceCatalog.bridgeModels["pcie-root-port"])
        for (name, model) in DeviceCatalog.bridgeModels {
            #expect(!DeviceCatalog.endpointModels.contains(name), "\(name) is a bridge, not a [[device]] model")
            // Bridges have windows exactly when they have a type 1 header (pxb-pcie's own
            // function is a host bridge, header type 0).
            #expect((model.bridgeWindows != nil) == model.isBridge, "\(name): bridgeWindows vs header type")
        }
    }

    @Test("ich9-intel-hda behind a root port was captured at function 1, beside VGA at function 0")
    func audioBesideVGA() throws {
        let fixture = try #require(CapturedFunction.all().first { $0.model == "ich9-intel-hda" && $0.placement == .rootPort })
        #expect(fixture.function == 1, "\(fixture.file): bdf: expected function 1, found \(fixture.function)")
    }

    // MARK: - PCI vs PCI Express, as QEMU says

    @Test("isPCIeOnly and isConventionalOnly follow the models' QOM interfaces")
    func interfacesMatchQOM() throws {
        let interfaces = try QOMInterfaces.load()
        let catalog = DeviceCatalog.endpointModels + DeviceCatalog.bridgeModels.keys.sorted()
        for name in catalog {
            guard let entry = interfaces.models[name] else {
                Issue.record("\(name): not in interfaces.txt (run scripts/capture-catalog.sh)")
                continue
            }
            #expect(DeviceCatalog.isPCIeOnly(name) == (entry.pcie && !entry.conventional),
                    "\(name): isPCIeOnly \(DeviceCatalog.isPCIeOnly(name)), QOM pcie \(entry.pcie) conventional \(entry.conventional)")
            #expect(DeviceCatalog.isConventionalOnly(name) == (!entry.pcie && entry.conventional),
                    "\(name): isConventionalOnly \(DeviceCatalog.isConventionalOnly(name)), QOM pcie \(entry.pcie) conventional \(entry.conventional)")
        }
        for name in interfaces.models.keys {
            #expect(catalog.contains(name), "interfaces.txt: \(name) is not a catalog model")
        }
        #expect(!DeviceCatalog.isPCIeOnly("no-such-model") && !DeviceCatalog.isConventionalOnly("no-such-model"))
    }

    /// QEMU 7.2 does not police PCI vs PCIe: it starts with every endpoint model on every bus kind,
    /// PCIe-only models on a conventional bus and conventional ones behind PCIe ports included;
    /// only pxb-pcie is refused anywhere but pcie.0. So `isPCIeOnly` is guestfw's rule, not QEMU's.
    @Test("QEMU 7.2 accepts every endpoint model on every bus; pxb-pcie only on pcie.0")
    func qemuAcceptance() throws {
        let interfaces = try QOMInterfaces.load()
        for name in DeviceCatalog.endpointModels {
            let accepts = interfaces.models[name]?.accepts ?? [:]
            #expect(!accepts.isEmpty, "\(name): no acceptance lines")
            for (bus, accepted) in accepts.sorted(by: { $0.key < $1.key }) {
                #expect(accepted, "\(name): QEMU refused it on \(bus)")
            }
        }
        let pxb = try #require(interfaces.models[DeviceCatalog.pxbPCIeModel])
        #expect(pxb.accepts == ["root-bus": true, "root-port": false, "switch-port": false,
                                "conventional-bus": false, "pci-bridge-bus": false])
    }

    @Test("captures agree with isPCIeOnly / isConventionalOnly: a PCI Express capability always / never")
    func capturesAgreeWithInterfaces() throws {
        for fixture in try CapturedFunction.all() {
            let context = "\(fixture.label) [\(fixture.file)]"
            if DeviceCatalog.isPCIeOnly(fixture.model) {
                #expect(fixture.pcieType != nil, "\(context): PCIe-only model without a PCI Express capability")
            }
            if DeviceCatalog.isConventionalOnly(fixture.model) {
                #expect(fixture.pcieType == nil, "\(context): conventional-only model with a PCI Express capability")
            }
        }
    }

    // MARK: - The catalog cannot grow or drift without data

    @Test("every endpoint model has fixtures for every placement", arguments: DeviceCatalog.endpointModels)
    func fixturesCoverEveryPlacement(name: String) throws {
        let all = try CapturedFunction.all()
        for placement in Placement.allCases {
            let fixtures = all.filter { $0.model == name && $0.placement == placement }
            #expect(!fixtures.isEmpty, "\(name) (\(placement.rawValue)): no fixture for this placement")
            if DeviceCatalog.sizedModels.contains(name) {
                // Two sizes at least, so the data shows which BAR follows the size.
                let sizes = Set(fixtures.compactMap(\.size))
                #expect(sizes.count >= 2,
                        "\(name) (\(placement.rawValue)): sized model needs fixtures of two sizes, found \(sizes.count)")
            }
        }
    }

    @Test("every fixture names a catalog model, and its file name agrees with its content")
    func fixturesBelongToCatalog() throws {
        let all = try CapturedFunction.all()
        #expect(!all.isEmpty, "no fixtures found in the test bundle")
        for fixture in all {
            let context = "\(fixture.label) [\(fixture.file)]"
            let known = DeviceCatalog.bridgeModels[fixture.model] != nil
                || DeviceCatalog.endpointModels.contains(fixture.model)
            #expect(known, "\(context): model: not in DeviceCatalog")
            let sized = DeviceCatalog.sizedModels.contains(fixture.model)
            if DeviceCatalog.videoMemoryModels[fixture.model] == nil {
                #expect(sized == (fixture.size != nil),
                        "\(context): size: \(sized ? "sized model without a size line" : "size line for an unsized model")")
            }
            #expect(fixture.file == fixture.expectedFileName,
                    "\(context): file name: expected \(fixture.expectedFileName)")
        }
        let labels = all.map(\.label)
        #expect(Set(labels).count == labels.count, "two fixtures for the same model, placement and size")
    }

    @Test("a sized model's shared-memory BAR follows the size parameter", arguments: DeviceCatalog.sizedModels.sorted())
    func sizeDrivesBAR(name: String) throws {
        let fixtures = try CapturedFunction.all().filter { $0.model == name }
        for fixture in fixtures {
            let context = "\(fixture.label) [\(fixture.file)]"
            let size = try #require(fixture.size, "\(context): size: missing")
            // The data: exactly one captured BAR has the parameter's size ...
            let captured = fixture.bars.filter { $0.size == size }
            #expect(captured.count == 1, "\(context): bars: expected one captured BAR of size \(hex(size))")
            // ... and the catalog, asked for that size, puts it on the same BAR.
            for placement in Placement.allCases {
                let model = DeviceCatalog.model(named: name, placement: placement, size: size)
                let sized = model?.bars.filter { $0.size == size } ?? []
                #expect(sized.map(\.index) == captured.map(\.index),
                        "\(name) (\(placement.rawValue), size \(hex(size))): bars: catalog puts the size on BARs \(sized.map(\.index)), QEMU on \(captured.map(\.index))")
            }
        }
        // Different sizes give different captures: the size really reaches the device.
        let byPlacement = Dictionary(grouping: fixtures, by: \.placementName)
        for (placement, group) in byPlacement {
            let barSets = Set(group.map { $0.bars.map(\.fixtureLine) })
            #expect(barSets.count == Set(group.compactMap(\.size)).count,
                    "\(name) (\(placement)): bars: captures of different sizes have the same BARs")
        }
    }

    @Test("VGA's BAR0 follows vgamem_mb rounded up to a power of two; cirrus-vga's stays 32 MiB")
    func videoMemory() throws {
        let all = try CapturedFunction.all()
        for placement in Placement.allCases {
            let vga = all.filter { $0.model == "VGA" && $0.placement == placement }
            let vgaSizes = Set(vga.map { $0.bars.first { $0.index == 0 }?.size })
            #expect(vga.count >= 2 && vgaSizes.count == vga.count,
                    "VGA (\(placement.rawValue)): captures of different vgamem_mb should differ in BAR0, found \(vgaSizes)")
            for fixture in vga {
                let vgamem = fixture.size ?? DeviceCatalog.videoMemoryModels["VGA"]!
                var expected = UInt64(1)
                while expected < vgamem { expected <<= 1 }
                #expect(fixture.bars.first { $0.index == 0 }?.size == expected,
                        "\(fixture.label) [\(fixture.file)]: BAR0 is not vgamem \(hex(vgamem)) rounded up")
            }
            let cirrus = all.filter { $0.model == "cirrus-vga" && $0.placement == placement }
            #expect(cirrus.count >= 2, "cirrus-vga (\(placement.rawValue)): expected captures of several vgamem_mb")
            #expect(Set(cirrus.map { $0.bars.map(\.fixtureLine) }).count == 1,
                    "cirrus-vga (\(placement.rawValue)): the BARs should not depend on vgamem_mb")
        }
    }

    /// QEMU without Xen cannot create xen-platform ("requires the Xen accelerator"; Debian's
    /// qemu-system-x86 7.2 does not even build it), so it is held to QEMU's source:
    /// hw/i386/xen/xen_platform.c as of 7.2.
    @Test("xen-platform is what QEMU's hw/i386/xen/xen_platform.c registers")
    func xenPlatformFromSource() throws {
        let model = try #require(DeviceCatalog.model(named: DeviceCatalog.xenPlatformModel, placement: .rootBus))
        // xen_platform_class_init: k->vendor_id = PCI_VENDOR_ID_XEN (include/hw/pci/pci_ids.h: 0x5853),
        // k->device_id = PCI_DEVICE_ID_XEN_PLATFORM (0x0001).
        #expect(model.vendorID == 0x5853)
        #expect(model.deviceID == 0x0001)
        // k->class_id = PCI_CLASS_OTHERS << 8 | 0x80 (0xff80); xen_platform_realize:
        // pci_config_set_prog_interface(pci_conf, 0).
        #expect(model.classCode == 0xff8000)
        // xen_platform_realize: pci_conf[PCI_INTERRUPT_PIN] = 1.
        #expect(model.interruptPin == 1)
        // platform_ioport_bar_setup: the "xen-pci" I/O region is 0x100 bytes, registered as BAR0
        // with PCI_BASE_ADDRESS_SPACE_IO; platform_mmio_setup: "xen-mmio" is 0x1000000 bytes,
        // BAR1 with PCI_BASE_ADDRESS_MEM_PREFETCH (no PCI_BASE_ADDRESS_MEM_TYPE_64: 32-bit).
        // No romfile is set, so there is no ROM BAR.
        #expect(model.bars == [
            BARSpec(index: 0, kind: .io, size: 0x100),
            BARSpec(index: 1, kind: .mem32, size: 0x100_0000, prefetchable: true),
        ])
        // It is libxl's, never a [[device]] model.
        #expect(!DeviceCatalog.endpointModels.contains(DeviceCatalog.xenPlatformModel))
    }

    @Test("names outside the catalog give nil")
    func unknownModel() {
        #expect(DeviceCatalog.model(named: "ne2k_pci", placement: .rootPort) == nil)
        #expect(DeviceCatalog.model(named: DeviceCatalog.rootPortModel, placement: .rootBus) == nil)
    }

    // MARK: - Comparison

    /// One `#expect` per field, each message naming model, placement and field.
    private func expectEqual(_ model: DeviceModel, _ fixture: CapturedFunction, context: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(model.name == fixture.model, "\(context): name: catalog \(model.name)", sourceLocation: sourceLocation)
        #expect(model.vendorID == fixture.vendorID,
                "\(context): vendorID: catalog \(hex(model.vendorID)), QEMU \(hex(fixture.vendorID))",
                sourceLocation: sourceLocation)
        #expect(model.deviceID == fixture.deviceID,
                "\(context): deviceID: catalog \(hex(model.deviceID)), QEMU \(hex(fixture.deviceID))",
                sourceLocation: sourceLocation)
        #expect(model.classCode == fixture.classCode,
                "\(context): classCode: catalog \(hex(model.classCode, digits: 6)), QEMU \(hex(fixture.classCode, digits: 6))",
                sourceLocation: sourceLocation)
        #expect(model.revision == fixture.revision,
                "\(context): revision: catalog \(model.revision.map { hex($0, digits: 2) } ?? "none"), QEMU \(hex(fixture.revision, digits: 2))",
                sourceLocation: sourceLocation)
        // Only a header type 0 function has subsystem ids at 0x2c (a bridge's 0x2c is the
        // prefetchable window's upper base).
        let subsystem = fixture.headerType & 0x7f == 0 ? fixture.subsystem : nil
        #expect(model.subsystem == subsystem,
                "\(context): subsystem: catalog \(model.subsystem.map(\.description) ?? "none"), QEMU \(subsystem.map(\.description) ?? "none")",
                sourceLocation: sourceLocation)
        #expect(model.interruptPin == fixture.interruptPin,
                "\(context): interruptPin: catalog \(model.interruptPin), QEMU \(fixture.interruptPin)",
                sourceLocation: sourceLocation)
        #expect(model.headerType == fixture.headerType & 0x7f,
                "\(context): headerType: catalog \(model.headerType), QEMU \(fixture.headerType & 0x7f)",
                sourceLocation: sourceLocation)
        #expect(model.pcieType == fixture.pcieType,
                "\(context): pcieType: catalog \(model.pcieType?.rawValue ?? "none"), QEMU \(fixture.pcieType?.rawValue ?? "none")",
                sourceLocation: sourceLocation)
        #expect(model.bridgeWindows == fixture.bridgeWindows,
                "\(context): bridgeWindows: catalog \(String(describing: model.bridgeWindows)), QEMU \(String(describing: fixture.bridgeWindows))",
                sourceLocation: sourceLocation)
        let catalogBars = model.bars.sorted(by: BARSpec.captureOrder)
        let capturedBars = fixture.bars.sorted(by: BARSpec.captureOrder)
        if catalogBars != capturedBars {
            let onlyCatalog = catalogBars.filter { !capturedBars.contains($0) }.map(\.fixtureLine)
            let onlyQEMU = capturedBars.filter { !catalogBars.contains($0) }.map(\.fixtureLine)
            var differences: [String] = []
            if !onlyCatalog.isEmpty { differences.append("only in the catalog: \(onlyCatalog.joined(separator: ", "))") }
            if !onlyQEMU.isEmpty { differences.append("only in QEMU: \(onlyQEMU.joined(separator: ", "))") }
            Issue.record("\(context): bars: \(differences.joined(separator: "; "))", sourceLocation: sourceLocation)
        }
    }
}

// MARK: - Fixtures

/// One PCI function as captured from QEMU (one fixture file).
private struct CapturedFunction: Sendable {
    var file: String
    var model: String
    /// The fixture's placement line; `placement` is nil for "switch-port" (a switch's downstream
    /// port on the upstream port's bus), which is no endpoint placement.
    var placementName: String
    var placement: Placement?
    var size: UInt64?
    var function: Int
    var vendorID: UInt16
    var deviceID: UInt16
    var classCode: UInt32
    var revision: UInt8
    var subsystem: PCISubsystem
    var headerType: UInt8
    var interruptPin: UInt8
    var pcieType: PCIeType?
    var bridgeWindows: BridgeWindows?
    var bars: [BARSpec]

    var label: String {
        "\(model) (\(placementName)\(size.map { ", size \(hex($0))" } ?? ""))"
    }

    /// The capture script's naming: `MODEL[-SIZE].PLACEMENT.txt`, `BRIDGE-MODEL.txt`.
    var expectedFileName: String {
        if DeviceCatalog.bridgeModels[model] != nil { return "\(model).txt" }
        return "\(model)\(size.map { "-" + sizeName($0) } ?? "").\(placementName).txt"
    }

    static let directoryName = "qemu-7.2"

    /// Every fixture in `Fixtures/qemu-7.2/` of the test bundle, parsed once.
    static func all() throws -> [CapturedFunction] { try cache.get() }

    private static let cache: Result<[CapturedFunction], any Error> = Result { try load() }

    private static func load() throws -> [CapturedFunction] {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw CaptureFixtureError(file: "Fixtures", line: 0, message: "no Fixtures directory in the test bundle")
        }
        let directory = fixtures.appendingPathComponent(directoryName, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { name in
                Placement.allCases.contains { name.hasSuffix(".\($0.rawValue).txt") }
                    || DeviceCatalog.bridgeModels.keys.contains { name == "\($0).txt" }
            }
            .sorted()
        return try names.map { name in
            try parse(String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8), file: name)
        }
    }

    /// Parses the line format documented at the top of every fixture. Unknown keys are errors,
    /// so a format change cannot silently drop a field.
    static func parse(_ text: String, file: String) throws -> CapturedFunction {
        var fields: [String: UInt64] = [:]
        var model: String?
        var placementName: String?
        var function: Int?
        var pcieType: PCIeType??
        var ioWindow: String?, prefWindow: String?
        var bars: [BARSpec] = []
        for (lineIndex, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map(String.init)
            func fail(_ message: String) -> CaptureFixtureError {
                CaptureFixtureError(file: file, line: lineIndex + 1, message: "\(message): \(line)")
            }
            func number(_ word: String) throws -> UInt64 {
                let value = word.hasPrefix("0x") ? UInt64(word.dropFirst(2), radix: 16) : UInt64(word)
                guard let value else { throw fail("bad number '\(word)'") }
                return value
            }
            switch words[0] {
            case "model":
                guard words.count == 2 else { throw fail("expected 'model NAME'") }
                model = words[1]
            case "placement":
                guard words.count == 2, Placement(rawValue: words[1]) != nil || words[1] == "switch-port"
                else { throw fail("bad placement") }
                placementName = words[1]
            case "path":
                guard words.count >= 2, words[1] == "pcie.0" else { throw fail("expected 'path pcie.0 MODEL...'") }
            case "capabilities":
                guard words.count >= 2 else { throw fail("expected 'capabilities 0xID...' or 'capabilities none'") }
            case "pcie-type":
                guard words.count == 2, words[1] == "none" || PCIeType(rawValue: words[1]) != nil,
                      pcieType == nil
                else { throw fail("expected one 'pcie-type T'") }
                pcieType = .some(PCIeType(rawValue: words[1]))
            case "io-window":
                guard words.count == 2, ["none", "io16", "io32"].contains(words[1]), ioWindow == nil
                else { throw fail("expected one 'io-window none|io16|io32'") }
                ioWindow = words[1]
            case "pref-window":
                guard words.count == 2, ["none", "mem32", "mem64"].contains(words[1]), prefWindow == nil
                else { throw fail("expected one 'pref-window none|mem32|mem64'") }
                prefWindow = words[1]
            case "size", "vendor", "device", "class", "pin", "revision", "subsystem-vendor", "subsystem",
                 "header-type":
                guard words.count == 2 else { throw fail("expected '\(words[0]) VALUE'") }
                guard fields[words[0]] == nil else { throw fail("duplicate \(words[0])") }
                fields[words[0]] = try number(words[1])
            case "bdf":
                guard words.count == 2, let dot = words[1].lastIndex(of: "."),
                      let fn = Int(words[1][words[1].index(after: dot)...]), (0...7).contains(fn)
                else { throw fail("expected 'bdf BB:DD.F'") }
                function = fn
            case "bar":
                // bar I KIND size 0xS pref 0|1
                guard words.count == 7, words[3] == "size", words[5] == "pref",
                      let index = Int(words[1]), (0...BARSpec.romIndex).contains(index),
                      let kind = BARKind(rawValue: words[2]),
                      words[6] == "0" || words[6] == "1"
                else { throw fail("expected 'bar I KIND size 0xS pref 0|1'") }
                guard (kind == .rom) == (index == BARSpec.romIndex) else { throw fail("rom kind only at index 6") }
                guard !bars.contains(where: { $0.index == index }) else { throw fail("duplicate bar \(index)") }
                bars.append(BARSpec(index: index, kind: kind, size: try number(words[4]), prefetchable: words[6] == "1"))
            case "config":
                guard words.count == 18 else { throw fail("expected 'config 0xOFF' and 16 bytes") }
            default:
                throw fail("unknown key '\(words[0])'")
            }
        }
        func required(_ key: String) throws -> UInt64 {
            guard let value = fields[key] else { throw CaptureFixtureError(file: file, line: 0, message: "no '\(key)' line") }
            return value
        }
        guard let model else { throw CaptureFixtureError(file: file, line: 0, message: "no 'model' line") }
        guard let placementName else { throw CaptureFixtureError(file: file, line: 0, message: "no 'placement' line") }
        guard let function else { throw CaptureFixtureError(file: file, line: 0, message: "no 'bdf' line") }
        guard let pcieType else { throw CaptureFixtureError(file: file, line: 0, message: "no 'pcie-type' line") }
        let vendor = try required("vendor"), device = try required("device")
        let classCode = try required("class"), pin = try required("pin"), header = try required("header-type")
        let revision = try required("revision")
        let subsystemVendor = try required("subsystem-vendor"), subsystem = try required("subsystem")
        guard vendor <= 0xffff, device <= 0xffff, classCode <= 0xff_ffff, pin <= 4, header <= 0xff, revision <= 0xff,
              subsystemVendor <= 0xffff, subsystem <= 0xffff else {
            throw CaptureFixtureError(file: file, line: 0, message: "vendor, device, class, revision, subsystem, header type or pin out of range")
        }
        var windows: BridgeWindows?
        switch (header & 0x7f, ioWindow, prefWindow) {
        case (1, let io?, let pref?):
            windows = BridgeWindows(io: io != "none", io32: io == "io32", prefetchable: pref != "none",
                                    prefetchable64: pref == "mem64")
        case (1, _, _):
            throw CaptureFixtureError(file: file, line: 0, message: "a bridge needs 'io-window' and 'pref-window' lines")
        case (_, nil, nil):
            windows = nil
        default:
            throw CaptureFixtureError(file: file, line: 0, message: "window lines for a function that is no bridge")
        }
        return CapturedFunction(
            file: file, model: model, placementName: placementName, placement: Placement(rawValue: placementName),
            size: fields["size"], function: function,
            vendorID: UInt16(vendor), deviceID: UInt16(device), classCode: UInt32(classCode),
            revision: UInt8(revision), subsystem: PCISubsystem(vendorID: UInt16(subsystemVendor), id: UInt16(subsystem)),
            headerType: UInt8(header), interruptPin: UInt8(pin), pcieType: pcieType, bridgeWindows: windows, bars: bars)
    }
}

/// `Fixtures/qemu-7.2/interfaces.txt`: per model, the QOM interfaces and the buses QEMU accepts it on.
private struct QOMInterfaces: Sendable {
    struct Entry: Sendable {
        var pcie: Bool
        var conventional: Bool
        var accepts: [String: Bool] = [:]
    }

    var models: [String: Entry] = [:]

    static func load() throws -> QOMInterfaces { try cache.get() }

    private static let cache: Result<QOMInterfaces, any Error> = Result {
        let file = "interfaces.txt"
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
            .appendingPathComponent(CapturedFunction.directoryName, isDirectory: true)
            .appendingPathComponent(file)
        else { throw CaptureFixtureError(file: file, line: 0, message: "no Fixtures directory in the test bundle") }
        var result = QOMInterfaces()
        let text = try String(contentsOf: url, encoding: .utf8)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map(String.init)
            let fail = CaptureFixtureError(file: file, line: index + 1, message: "bad line: \(line)")
            switch words.first {
            case "qom":
                guard words.count == 6, words[2] == "pcie", words[4] == "conventional",
                      let p = Int(words[3]), let c = Int(words[5]), p <= 1, c <= 1,
                      result.models[words[1]] == nil
                else { throw fail }
                result.models[words[1]] = Entry(pcie: p == 1, conventional: c == 1)
            case "accepts":
                guard words.count == 4, ["yes", "no"].contains(words[3]),
                      result.models[words[1]] != nil, result.models[words[1]]!.accepts[words[2]] == nil
                else { throw fail }
                result.models[words[1]]!.accepts[words[2]] = words[3] == "yes"
            default:
                throw fail
            }
        }
        return result
    }
}

private struct CaptureFixtureError: Error, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): \(message)" }
}

fileprivate extension BARSpec {
    static func captureOrder(_ a: BARSpec, _ b: BARSpec) -> Bool {
        (a.index, a.kind, a.size, a.prefetchable ? 1 : 0) < (b.index, b.kind, b.size, b.prefetchable ? 1 : 0)
    }

    /// The fixture's own spelling, for messages.
    var fixtureLine: String {
        "bar \(index) \(kind.rawValue) size \(hex(size)) pref \(prefetchable ? 1 : 0)"
    }
}

private func hex<T: BinaryInteger>(_ value: T, digits: Int = 4) -> String {
    let text = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
}

/// 4M, 64M, 1G ...: the capture script's size suffix in file names.
private func sizeName(_ size: UInt64) -> String {
    for (shift, suffix) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where size >= 1 << shift && size % (1 << shift) == 0 {
        return "\(size >> shift)\(suffix)"
    }
    return "\(size)"
}
