extension ConfigDecoder {
    /// The device, and for a host device the other functions of its host slot after it.
    static func decodeDevice(_ reader: FieldReader, index: Int, physBits: Int, host context: HostContext) -> [Device]? {
        let id = decodeID(reader)
        let modelAccepted = DeviceCatalog.endpointModels.map { "\"\($0)\"" }.joined(separator: ", ")
        var model = reader.string("model", accepted: modelAccepted)
        if let name = model, !DeviceCatalog.endpointModels.contains(name) {
            let guess = closest(name, among: DeviceCatalog.endpointModels).map { "did you mean \"\($0)\"? " } ?? ""
            reader.diagnostics.report(reader.field("model"), reader.node("model"), problem: "is not a model in the catalog",
                                      accepted: guess + modelAccepted + ", or no model with explicit bars (passthrough)")
            model = nil
        }
        let bus = reader.string("bus", accepted: "the id of a root port, a switch's downstream port or a PCI bridge, or no bus key for bus 0")
        let addr = decodeAddress(reader, accepted: deviceAddressAccepted)
        let passthrough = decodePassthrough(reader)
        let size = decodeModelSize(reader, model: model, physBits: physBits)
        let bars = reader.array("bars").map { decodeBARs($0, reader: reader, physBits: physBits) }
        let rom = decodeROM(reader)
        checkIdentity(reader, model: model, bars: bars, passthrough: passthrough)
        let identity = decodePlacement(reader)
        let host = reader.node("host") == nil || (reader.node("model") == nil && reader.node("passthrough") == nil)
            ? decodeHost(reader, addr: addr, bus: bus, bars: bars, rom: rom, identity: identity, context: context) : nil
        guard let id else { return nil }
        var device = Device(id: id, model: model, bus: bus, addr: addr, size: size, passthrough: passthrough,
                            bars: bars ?? [], rom: rom)
        guard let host else { return [device] }
        device.passthrough = host.address.description
        device.hostModel = host.model
        device.identityAddresses = host.identityAddresses
        let slot = addr ?? SlotAddress(device: 0, function: Int(host.address.function))
        if !host.companions.isEmpty { device.addr = slot }
        return [device] + host.companions.map { companion in
            var other = Device(id: "\(id).f\(companion.function)", bus: bus,
                               addr: SlotAddress(device: slot.device, function: Int(companion.function)),
                               passthrough: companion.address.description)
            other.hostModel = companion.model
            other.identityAddresses = companion.identityAddresses
            return other
        }
    }

    /// `placement = "virtual" | "identity"`: whether the guest keeps the host's BAR addresses
    /// (true for identity). Only a host device has host addresses to keep.
    static func decodePlacement(_ reader: FieldReader) -> Bool {
        let accepted = "\"virtual\" (the default: guestfw chooses guest addresses) or \"identity\" (every BAR at its host address, with host = \"DDDD:BB:DD.F\")"
        guard let text = reader.string("placement", accepted: accepted) else { return false }
        switch text {
        case "virtual":
            return false
        case "identity":
            if reader.node("host") == nil {
                reader.diagnostics.report(reader.field("placement"), reader.node("placement"),
                                          problem: "needs host: only a device read from sysfs (host = \"DDDD:BB:DD.F\") has host addresses to keep",
                                          accepted: "host = \"DDDD:BB:DD.F\" with placement = \"identity\", or placement = \"virtual\"")
                return false
            }
            return true
        default:
            reader.diagnostics.report(reader.field("placement"), reader.node("placement"), problem: "is not a placement", accepted: accepted)
            return false
        }
    }

    /// A device is either a catalog model or a set of explicit BARs, never both, never neither.
    static func checkIdentity(_ reader: FieldReader, model: String?, bars: [BARSpec]?, passthrough: String?) {
        let diagnostics = reader.diagnostics
        if reader.node("model") != nil && reader.node("bars") != nil {
            diagnostics.report(reader.field("bars"), reader.node("bars"), problem: "a catalog model has its own BARs",
                               accepted: "either model or bars, not both")
        } else if reader.node("model") == nil && reader.node("bars") == nil && reader.node("host") == nil {
            diagnostics.reportMissing(reader.field("model"), at: reader.location,
                                      accepted: "a catalog model, host = \"DDDD:BB:DD.F\" (read from sysfs), or passthrough with explicit bars")
        }
        if reader.node("host") != nil {
            for key in ["model", "passthrough"] where reader.node(key) != nil {
                diagnostics.report(reader.field(key), reader.node(key),
                                   problem: key == "model" ? "a host device is read from sysfs, not a catalog model" : "host already names the host function",
                                   accepted: "host (with optional bars, rom, sysfs, functions) and no \(key)")
            }
        }
        if reader.node("model") != nil && reader.node("rom") != nil {
            diagnostics.report(reader.field("rom"), reader.node("rom"), problem: "a catalog model has its own ROM",
                               accepted: "rom only with explicit bars")
        }
        if reader.node("passthrough") != nil && reader.node("model") != nil && reader.node("host") == nil {
            diagnostics.report(reader.field("passthrough"), reader.node("passthrough"),
                               problem: "a passthrough device is described by its bars, not a model",
                               accepted: "passthrough with bars and no model")
        }
    }

    static func decodePassthrough(_ reader: FieldReader) -> String? {
        let accepted = "a host PCI address \"SSSS:BB:DD.F\", e.g. \"0000:65:00.0\""
        guard let text = reader.string("passthrough", accepted: accepted) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let tail = parts.last?.split(separator: ".", omittingEmptySubsequences: false) ?? []
        let valid = parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && tail.count == 2
            && tail[0].count == 2 && tail[1].count == 1
            && [parts[0], parts[1], tail[0]].allSatisfy { hexField($0) != nil }
            && (hexField(tail[0]) ?? 0xff) < 32 && (hexField(tail[1]) ?? 8) < 8
        guard valid else {
            reader.diagnostics.report(reader.field("passthrough"), reader.node("passthrough"), problem: "is not a PCI address", accepted: accepted)
            return nil
        }
        return text.lowercased()
    }

    /// VGA's `size` is its video memory, QEMU's `vgamem_mb`: whole MiB that QEMU takes as they are
    /// (1 to 512; BAR 0 is that rounded up to a power of two, `DeviceCatalog.model(named:)`).
    static func decodeVideoMemory(_ reader: FieldReader) -> UInt64? {
        let range = DeviceCatalog.sizeParameters["VGA"]!.sizes
        let accepted = "whole MiB from \(Quantity.format(range.lowerBound)) to \(Quantity.format(range.upperBound)) (QEMU's vgamem_mb)"
        guard let size = reader.quantity("size", accepted: accepted) else { return nil }
        guard size % (1 << 20) == 0, range.contains(size) else {
            reader.diagnostics.report(reader.field("size"), reader.node("size"), problem: "is not a video memory size QEMU's VGA takes",
                                      accepted: accepted)
            return nil
        }
        return size
    }

    static func decodeModelSize(_ reader: FieldReader, model: String?, physBits: Int) -> UInt64? {
        let limit = UInt64(1) << (physBits - 2)
        let accepted = "a power of two from 4K to \(Quantity.format(limit))"
        guard reader.node("size") != nil else {
            if let model, DeviceCatalog.sizedModels.contains(model) {
                reader.reportMissing("size", accepted: "the shared-memory size of \(model): " + accepted)
            }
            return nil
        }
        if model == "VGA" { return decodeVideoMemory(reader) }
        guard let model, DeviceCatalog.sizedModels.contains(model) else {
            reader.diagnostics.report(reader.field("size"), reader.node("size"),
                                      problem: "only a sized model takes a size",
                                      accepted: "size with model = " + (DeviceCatalog.sizedModels.sorted() + ["VGA"]).joined(separator: ", "))
            return nil
        }
        guard let size = reader.quantity("size", accepted: accepted) else { return nil }
        guard size.isPowerOfTwo, size >= 0x1000, size <= limit else {
            reader.diagnostics.report(reader.field("size"), reader.node("size"), problem: "cannot be a BAR size", accepted: accepted)
            return nil
        }
        return size
    }

    static func decodeROM(_ reader: FieldReader) -> UInt64? {
        let accepted = "a power of two from 2K to 16M"
        guard let size = reader.quantity("rom", accepted: accepted) else { return nil }
        guard size.isPowerOfTwo, (0x800...0x100_0000).contains(size) else {
            reader.diagnostics.report(reader.field("rom"), reader.node("rom"), problem: "cannot be an expansion ROM size", accepted: accepted)
            return nil
        }
        return size
    }

    static func decodeBARs(_ items: [ConfigNode], reader device: FieldReader, physBits: Int) -> [BARSpec] {
        var bars: [(BARSpec, FieldReader)] = []
        for (index, item) in items.enumerated() {
            let path = device.field("bars") + "[\(index)]"
            guard case .table(let table) = item.value else {
                device.diagnostics.report(path, item, problem: "must be a table such as { bar = 0, size = \"16M\", kind = \"mem32\" }")
                continue
            }
            let reader = FieldReader(table, path: path, location: item.location, diagnostics: device.diagnostics, knownKeys: barKeys)
            if let bar = decodeBAR(reader, physBits: physBits) { bars.append((bar, reader)) }
        }
        checkBAROverlaps(bars)
        return bars.map(\.0).sorted { $0.index < $1.index }
    }

    static func decodeBAR(_ reader: FieldReader, physBits: Int) -> BARSpec? {
        let index = reader.integer("bar", in: 0...5, accepted: "a BAR index 0 to 5 (the ROM is the device's rom key)")
        if reader.node("bar") == nil { reader.reportMissing("bar", accepted: "a BAR index 0 to 5") }
        let kindAccepted = "\"io\", \"mem32\" or \"mem64\""
        var kind = reader.string("kind", accepted: kindAccepted).flatMap { BARKind(rawValue: $0) }
        if let text = reader.string("kind", accepted: kindAccepted), kind == nil || kind == .rom {
            reader.diagnostics.report(reader.field("kind"), reader.node("kind"), problem: "is not a BAR kind",
                                      accepted: kindAccepted + (text == "rom" ? " (an expansion ROM is the device's rom key)" : ""))
            kind = nil
        }
        if reader.node("kind") == nil { reader.reportMissing("kind", accepted: kindAccepted) }
        let prefetchable = reader.bool("prefetchable") ?? false
        if reader.node("size") == nil { reader.reportMissing("size", accepted: "a power of two such as \"16M\"") }
        let size = reader.quantity("size", accepted: "a power of two")
        guard let index, let kind, let size else { return nil }
        return checkedBAR(BARSpec(index: index, kind: kind, size: size, prefetchable: prefetchable), reader: reader, physBits: physBits)
    }

    static func checkedBAR(_ bar: BARSpec, reader: FieldReader, physBits: Int) -> BARSpec? {
        let (range, accepted): (ClosedRange<UInt64>, String) = switch bar.kind {
        case .io: (4...256, "a power of two from 4 to 256 bytes (the PCI limit for I/O BARs)")
        case .mem32: (16...(2 << 30), "a power of two from 16 bytes to 2G")
        case .mem64, .rom: (16...(UInt64(1) << (physBits - 2)), "a power of two from 16 bytes to \(Quantity.format(UInt64(1) << (physBits - 2)))")
        }
        guard bar.size.isPowerOfTwo, range.contains(bar.size) else {
            reader.diagnostics.report(reader.field("size"), reader.node("size"), problem: "cannot be a \(bar.kind.rawValue) BAR size", accepted: accepted)
            return nil
        }
        if bar.kind == .io && bar.prefetchable {
            reader.diagnostics.report(reader.field("prefetchable"), reader.node("prefetchable"), problem: "an I/O BAR cannot be prefetchable", accepted: "false for kind = \"io\"")
            return nil
        }
        if bar.kind == .mem64 && bar.index == 5 {
            reader.diagnostics.report(reader.field("bar"), reader.node("bar"), problem: "a 64-bit BAR takes two registers and bar 5 is the last",
                                      accepted: "bar 0 to 4 for kind = \"mem64\"")
            return nil
        }
        return bar
    }

    /// A 64-bit BAR uses its register and the next one; no two BARs may share a register.
    static func checkBAROverlaps(_ bars: [(BARSpec, FieldReader)]) {
        var owner: [Int: Int] = [:]
        for (bar, reader) in bars {
            let registers = bar.kind == .mem64 ? [bar.index, bar.index + 1] : [bar.index]
            for register in registers {
                if let other = owner[register] {
                    reader.diagnostics.report(reader.field("bar"), reader.node("bar"),
                                              problem: "register \(register) is already used by bar \(other)" + (bar.kind == .mem64 || other != register ? " (a 64-bit BAR takes two registers)" : ""),
                                              accepted: "each BAR register used once")
                } else {
                    owner[register] = bar.index
                }
            }
        }
    }
}
