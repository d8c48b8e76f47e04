/// `[[device]] host = "DDDD:BB:DD.F"`: a device read from the host's sysfs (or a snapshot of it).
///
/// The named function becomes the device: its BARs and ROM from `resource`, its ids, class,
/// interrupt pin and PCI Express type from `config` (`Device.hostModel`); `bars` and `rom`
/// override what is read (by BAR index), and must give what sysfs has no size for. The other
/// functions of the same host slot come along (unless `functions` lists which to take) as further
/// devices of the same guest slot: host function F at guest function F, with id "<id>.fF" and
/// the same bus. Their addr is the device's slot (its addr, else slot 0 behind a bus; a
/// multi-function device on bus 0 needs addr). They take BARs only from sysfs.
struct HostContext {
    let files: any HostFileSystem
    /// Where a relative `sysfs` is resolved: the description file's directory.
    let baseDirectory: String

    static func baseDirectory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        let directory = String(file[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    func root(_ sysfs: String?) -> String {
        guard let sysfs else { return HostSysfs.defaultRoot }
        return sysfs.hasPrefix("/") ? sysfs : baseDirectory + "/" + sysfs
    }
}

struct HostDecoded {
    var address: HostPCIAddress
    var model: DeviceModel
    /// `placement = "identity"`: each BAR's host address (empty for "virtual").
    var identityAddresses: [Int: UInt64]
    /// The other functions brought along: host function number, its model and, under identity,
    /// its BARs' host addresses (the companions follow the device's placement).
    var companions: [(function: UInt8, model: DeviceModel, address: HostPCIAddress, identityAddresses: [Int: UInt64])]
}

extension ConfigDecoder {
    static let hostDeviceKeys = ["host", "sysfs", "functions"]

    static func decodeHost(_ reader: FieldReader, addr: SlotAddress?, bus: String?, bars: [BARSpec]?, rom: UInt64?,
                           identity: Bool, context: HostContext) -> HostDecoded? {
        let diagnostics = reader.diagnostics
        let sysfsAccepted = "a directory written by guestfw host-snapshot (relative to this file), or no sysfs key for \(HostSysfs.defaultRoot)"
        let sysfs = reader.string("sysfs", accepted: sysfsAccepted)
        if let sysfs, sysfs.isEmpty {
            diagnostics.report(reader.field("sysfs"), reader.node("sysfs"), problem: "is empty", accepted: sysfsAccepted)
        }
        let functions = decodeFunctions(reader)
        guard let hostNode = reader.node("host") else {
            for key in ["sysfs", "functions"] where reader.node(key) != nil {
                diagnostics.report(reader.field(key), reader.node(key), problem: "only a host device takes \(key)",
                                   accepted: "\(key) with host = \"DDDD:BB:DD.F\"")
            }
            return nil
        }
        guard let text = reader.string("host", accepted: HostPCIAddress.accepted) else { return nil }
        guard let address = HostPCIAddress(text) else {
            diagnostics.report(reader.field("host"), hostNode, problem: "is not a host PCI address", accepted: HostPCIAddress.accepted)
            return nil
        }
        if reader.node("sysfs") != nil && (sysfs ?? "").isEmpty { return nil }
        let sysfsRoot = HostSysfs(root: context.root(sysfs), files: context.files)
        func report(_ error: HostReadError) {
            diagnostics.report(reader.field("host"), hostNode, problem: error.path + ": " + error.problem, accepted: error.accepted)
        }
        do {
            let (function, readings) = try sysfsRoot.endpoint(address)
            guard let merged = mergedBARs(readings, bars: bars, rom: rom, function: function, reader: reader, root: sysfsRoot) else { return nil }
            let present = try sysfsRoot.slotFunctions(address)
            let wanted = functions ?? present
            if let functions {
                let missing = functions.filter { !present.contains($0) }
                if !missing.isEmpty || !functions.contains(address.function) {
                    diagnostics.report(reader.field("functions"), reader.node("functions"),
                                       problem: missing.isEmpty ? "leaves out function \(address.function), the one host names"
                                           : "names function \(missing.map(String.init).joined(separator: ", ")) of \(address.withFunction(0).description.dropLast(2)), which \(sysfsRoot.root) does not have",
                                       accepted: "function numbers of the slot (\(present.map(String.init).joined(separator: ", "))) including \(address.function)")
                    return nil
                }
            }
            if let addr, Int(address.function) != addr.function {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "puts host function \(address.function) at guest function \(addr.function): a host device keeps its function numbers",
                                   accepted: "addr = \"\(addr.description.dropLast())\(address.function)\"")
                return nil
            }
            let identityAddresses = identity ? hostAddresses(merged, function: function, reader: reader, root: sysfsRoot) : [:]
            guard let identityAddresses else { return nil }
            var companions: [(function: UInt8, model: DeviceModel, address: HostPCIAddress, identityAddresses: [Int: UInt64])] = []
            for number in wanted where number != address.function {
                let other = address.withFunction(number)
                let (otherFunction, otherReadings) = try sysfsRoot.endpoint(other)
                guard let otherBARs = mergedBARs(otherReadings, bars: nil, rom: nil, function: otherFunction, reader: reader, root: sysfsRoot, companionOf: address) else { return nil }
                let otherAddresses = identity ? hostAddresses(otherBARs, function: otherFunction, reader: reader, root: sysfsRoot) : [:]
                guard let otherAddresses else { return nil }
                companions.append((number, otherFunction.model(bars: otherBARs), other, otherAddresses))
            }
            if !companions.isEmpty && addr == nil && bus == nil {
                diagnostics.report(reader.field("addr"), nil, problem: "is required: \(address) brings along its slot's functions \(companions.map { String($0.function) }.joined(separator: ", ")), which need one guest slot on bus 0",
                                   accepted: "addr = \"DD.\(address.function)\" (a free bus 0 slot), or functions = [\(address.function)]")
                return nil
            }
            return HostDecoded(address: address, model: function.model(bars: merged), identityAddresses: identityAddresses,
                               companions: companions)
        } catch {
            report(error)
            return nil
        }
    }

    /// `placement = "identity"`: where the host put each BAR, which the guest must keep. A BAR
    /// the host left unassigned has no address to keep (reported, naming the BAR and the file);
    /// a shadowed ROM has none either and is left to the planner (a driver reads a ROM through
    /// its BAR, wherever it is). A size from `bars` or `rom` must be the host's: the guest range
    /// is the host's range. nil when something was reported.
    static func hostAddresses(_ bars: [BARSpec], function: HostFunction, reader: FieldReader, root: HostSysfs) -> [Int: UInt64]? {
        var addresses: [Int: UInt64] = [:]
        var ok = true
        let file = root.path(function.address, "resource")
        for bar in bars {
            let what = bar.index == BARSpec.romIndex ? "the expansion ROM" : "BAR \(bar.index) (\(bar.kind.rawValue))"
            func refuse(_ problem: String, _ accepted: String) {
                ok = false
                reader.diagnostics.report(reader.field("placement"), reader.node("placement"), problem: problem, accepted: accepted)
            }
            guard let address = function.hostAddress(of: bar.index) else {
                if bar.index == BARSpec.romIndex { continue }
                refuse("\(file): \(what) has no host address (line \(bar.index + 1) is empty: the host left it unassigned)",
                       "placement = \"virtual\" (guestfw chooses the guest address), or a host that assigns \(what) first")
                continue
            }
            let line = function.resources[bar.index]
            guard let hostSize = line.size, hostSize == bar.size else {
                refuse("keeps the host's range, but \(what) is \(Quantity.format(bar.size)) in the description and \(file) has it at 0x\(hex(address, digits: 1))-0x\(hex(line.end, digits: 1))",
                       "no bars/rom entry for \(what) (its size is read), or placement = \"virtual\"")
                continue
            }
            guard address % hostSize == 0 else {
                refuse("\(file): \(what) at 0x\(hex(address, digits: 1)) is not aligned to its size \(Quantity.format(hostSize)), which no BAR can be",
                       "placement = \"virtual\", or a resource file as Linux writes it")
                continue
            }
            addresses[bar.index] = address
        }
        return ok ? addresses : nil
    }

    /// `functions = [0, 1]`: which functions of the host slot to bring.
    static func decodeFunctions(_ reader: FieldReader) -> [UInt8]? {
        let accepted = "a list of function numbers 0-7 of the host slot, e.g. [0] or [0, 1]"
        guard let items = reader.array("functions") else { return nil }
        var result: [UInt8] = []
        for item in items {
            guard case .integer(let number) = item.value, (0...7).contains(number), !result.contains(UInt8(number)) else {
                reader.diagnostics.report(reader.field("functions"), reader.node("functions"), problem: "is not a list of distinct function numbers", accepted: accepted)
                return nil
            }
            result.append(UInt8(number))
        }
        guard !result.isEmpty else {
            reader.diagnostics.report(reader.field("functions"), reader.node("functions"), problem: "is empty", accepted: accepted)
            return nil
        }
        return result.sorted()
    }

    /// The host's BARs with the description's `bars` (by register) and `rom` in their place;
    /// nil (reported) when a BAR is left without a size.
    static func mergedBARs(_ readings: [HostFunction.Reading], bars: [BARSpec]?, rom: UInt64?, function: HostFunction,
                           reader: FieldReader, root: HostSysfs, companionOf: HostPCIAddress? = nil) -> [BARSpec]? {
        let described = bars ?? []
        let taken = Set(described.flatMap { $0.kind == .mem64 ? [$0.index, $0.index + 1] : [$0.index] })
        var result = described
        var ok = true
        for reading in readings {
            if reading.index == BARSpec.romIndex {
                if let rom { result.append(BARSpec(index: BARSpec.romIndex, kind: .rom, size: rom)); continue }
            } else if !taken.isDisjoint(with: reading.registers) {
                continue
            }
            switch reading {
            case .sized(let bar):
                result.append(bar)
            case .unsized(let index, let kind, let prefetchable, let reason):
                ok = false
                let what = index == BARSpec.romIndex ? "the expansion ROM" : "BAR \(index) (\(kind.rawValue)\(prefetchable ? ", prefetchable" : ""))"
                let accepted: String
                if let companionOf {
                    accepted = "functions = [\(companionOf.function)] to leave \(function.address) out, or a [[device]] of its own with host = \"\(function.address)\" and its size in " + (index == BARSpec.romIndex ? "rom" : "bars")
                } else if index == BARSpec.romIndex {
                    accepted = "its size in rom, e.g. rom = \"64K\" (the ROM BAR's size on the host: lspci -vv shows it as \"Expansion ROM ... [size=...]\")"
                } else {
                    accepted = "its size in bars, e.g. bars = [{ bar = \(index), size = \"16M\", kind = \"\(kind.rawValue)\"\(prefetchable ? ", prefetchable = true" : "") }]"
                }
                reader.diagnostics.report(reader.field("host"), reader.node("host"),
                                          problem: root.path(function.address, "resource") + ": \(what) has no size: " + reason,
                                          accepted: accepted)
            }
        }
        if let rom, !result.contains(where: { $0.index == BARSpec.romIndex }) {
            result.append(BARSpec(index: BARSpec.romIndex, kind: .rom, size: rom))
        }
        return ok ? result.sorted { $0.index < $1.index } : nil
    }
}
