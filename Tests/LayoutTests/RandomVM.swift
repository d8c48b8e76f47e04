import PropertyBased
import VMConfig
import VMCorpus

/// Random VM descriptions that the config decoder accepts.
///
/// Why a generator of our own and not a composition of PropertyBased's `Gen`s: every part of a
/// description constrains the others (ids unique across ports and devices, devices naming ports
/// that exist, at most 8 functions behind a port, explicit addresses unique with a function 0 in
/// every used slot, the bus budget deciding `ecam.buses`, sizes bounded by `phys_bits`, an ECAM
/// base that depends on the ECAM size). Zipped generators would draw these independently and then
/// filter almost everything away, and their built-in shrinkers would shrink fields independently
/// into descriptions the decoder refuses. So a description is built from one 64-bit seed by
/// `SplitMix64` (reproducible: the seed is printed with every failure), and it is shrunk by
/// `shrinkCandidates`, which only proposes descriptions that the real decoder accepts (each is
/// written as TOML and read back through `ConfigLoader`). `generator` wraps both as a PropertyBased
/// `Generator`, so `propertyCheck` drives and shrinks it.
enum RandomVM {
    static let kiB: UInt64 = 1 << 10
    static let miB: UInt64 = 1 << 20
    static let giB: UInt64 = 1 << 30
    static let fourGiB: UInt64 = 1 << 32

    /// The PropertyBased generator: one seed from PropertyBased's RNG, the description from it.
    static var generator: Generator<MachineConfig, [MachineConfig]> {
        Generator(run: { rng in make(seed: rng.next()) }, shrink: { shrinkCandidates($0) })
    }

    static func make(seed: UInt64) -> MachineConfig {
        var draw = Draw(rng: SplitMix64(seed: seed))
        return draw.machine(name: "rand-" + String(seed, radix: 16))
    }

    /// Whether the real decoder reads the description back as exactly this value.
    static func decodes(_ config: MachineConfig) -> Bool {
        decodeErrors(config, viaText: false) == nil
    }

    /// nil when the description, given to the real decoder, comes back as `config`; otherwise why
    /// not. `viaText`: written as TOML and read by the TOML reader (slow in a debug build), else
    /// handed to `ConfigDecoder` as the parsed document tree the readers produce.
    static func decodeErrors(_ config: MachineConfig, viaText: Bool) -> String? {
        do {
            let decoded = viaText
                ? try ConfigLoader.load(text: toml(config), file: "random.toml", format: .toml)
                : try ConfigDecoder.decode(document(config), file: "random.toml", defaultName: "random")
            return decoded == config ? nil : "decodes to a different value:\n\(decoded)\nexpected:\n\(config)"
        } catch {
            return error.description
        }
    }
}

// MARK: - Drawing a description

struct Draw {
    var rng: SplitMix64
    typealias U = UInt64
    let miB = RandomVM.miB, giB = RandomVM.giB, fourGiB = RandomVM.fourGiB

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func u64(_ range: ClosedRange<UInt64>) -> UInt64 { UInt64.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    /// 2^e with e uniform in the range.
    mutating func pow2(_ exponents: ClosedRange<Int>) -> UInt64 { UInt64(1) << UInt64(int(exponents)) }

    mutating func machine(name: String) -> MachineConfig {
        let vmm: VMMKind = chance(0.5) ? .qemu : .xen
        let physBits = int(36...46)
        let memory = memorySize(physBits: physBits)
        let policy: PlacementPolicy = chance(0.5) ? .hvmloader : .toolstack

        // The slots of the devices libxl adds (XenGuest; the description keeps [xen]'s defaults).
        let reserved = Set((vmm == .xen ? XenGuest.devices(XenConfig()) : []).compactMap { $0.addr?.device })
        var ports = rootPorts(count: portCount(), reserved: reserved)
        // Bus budget: bus 0 plus every port's reservation within 256 (decoder: <= ecam.buses).
        while 1 + ports.reduce(0, { $0 + ($1.reserve.buses ?? 1) }) > 256,
              let index = ports.indices.max(by: { (ports[$0].reserve.buses ?? 1) < (ports[$1].reserve.buses ?? 1) }) {
            ports[index].reserve.buses = nil
        }
        let busesNeeded = 1 + ports.reduce(0) { $0 + ($1.reserve.buses ?? 1) }
        let buses = pick(ECAMConfig.acceptedBusCounts.filter { $0 >= busesNeeded })
        var ecam = ECAMConfig(policy: policy, buses: buses)
        if (policy == .toolstack && chance(0.35)) || (policy == .hvmloader && chance(0.03)) {
            ecam.base = ecamBase(size: ecam.size, memory: memory)
        }

        var bus0Taken = Set(ports.compactMap(\.addr))
        var devices: [Device] = []
        var nextID = 0
        func newID() -> String { nextID += 1; return "d\(nextID)" }
        for port in ports {
            let count = chance(0.1) ? int(3...8) : int(0...2)
            var functionsTaken = Set<Int>()
            for _ in 0..<count {
                var device = endpoint(id: newID(), physBits: physBits, onBusZero: false)
                device.bus = port.id
                if chance(0.25), let function = freeFunction(&functionsTaken) {
                    device.addr = SlotAddress(device: 0, function: function)
                }
                devices.append(device)
            }
        }
        let integrated = chance(0.1) ? int(4...8) : int(0...3)
        for _ in 0..<integrated {
            var device = endpoint(id: newID(), physBits: physBits, onBusZero: true)
            if chance(0.3) { device.addr = busZeroAddress(&bus0Taken, reserved: reserved) }
            devices.append(device)
        }
        // Listed in a random order, so bus 0 slots are not simply in id order.
        devices.shuffle(using: &rng)

        var mmio = MMIOConfig()
        if chance(0.2) {
            mmio.hole = chance(0.4) ? pick([256, 512, 1024, 1536, 2048, 3072, 3840].map { U($0) * miB })
                : u64(256...3840) * miB
        }
        if chance(0.2) {
            let maxGiB = (U(1) << U(physBits)) / 2 / giB
            switch int(0...9) {
            case 0...4: mmio.window64 = u64(1...min(64, maxGiB)) * giB
            case 5...6: mmio.window64 = u64(1...maxGiB) * giB
            default:
                // Around what is left between high RAM and 2^phys_bits: exactly that, or a little more.
                // (high RAM as QEMU's split, or Xen's smallest hole, leaves it)
                let low: UInt64 = vmm == .xen ? min(memory, 0xF000_0000)
                    : min(memory, memory >= 0xB000_0000 ? 0x8000_0000 : 0xB000_0000)
                let highRAM = memory - low
                let start = (fourGiB + highRAM + giB - 1) / giB * giB
                let left = start < (U(1) << U(physBits)) ? ((U(1) << U(physBits)) - start) / giB : 0
                mmio.window64 = min(maxGiB, max(1, left + U(int(0...2)))) * giB
            }
        }
        if vmm == .xen && chance(0.3) { mmio.relocateRAM = true }

        return MachineConfig(name: name, vmm: vmm, memory: memory, vcpus: int(1...255), physBits: physBits,
                             ecam: ecam, mmio: mmio, rootPorts: ports, devices: devices)
    }

    /// 128M to 64G in 1M steps, at most half of 2^phys_bits; many near QEMU's 0xB0000000 split.
    mutating func memorySize(physBits: Int) -> UInt64 {
        let cap = min(64 * giB, (U(1) << U(physBits)) / 2)
        var memory: UInt64 = switch int(0...19) {
        case 0...5: u64(128...2048) * miB
        case 6...9: U(0xB00 + int(-512...512)) * miB  // 0xB0000000 is 0xB00 MiB
        case 10...13: u64(2048...4608) * miB
        case 14...15: u64(4608...16384) * miB
        case 16...18: u64(16384...65536) * miB
        default: cap - min(cap - 128 * miB, U(int(0...8)) * 256 * miB)  // half the address space: little room above
        }
        if chance(0.3) { memory = max(128 * miB, memory / (256 * miB) * (256 * miB)) }
        return min(memory, cap)
    }

    mutating func portCount() -> Int {
        switch int(0...9) {
        case 0...2: int(0...4)
        case 3...6: int(5...16)
        case 7...8: int(17...40)
        default: int(41...64)
        }
    }

    mutating func rootPorts(count: Int, reserved: Set<Int> = []) -> [RootPort] {
        var taken = Set<SlotAddress>()
        return (0..<count).map { index in
            var port = RootPort(id: "rp\(index)", hotplug: chance(0.4))
            if chance(0.3) { port.addr = busZeroAddress(&taken, reserved: reserved) }
            if chance(0.4) { port.reserve = reservation(hotplug: port.hotplug) }
            return port
        }
    }

    /// Zero memory sizes only on cold ports: the reader refuses them on hot-pluggable ones
    /// (io = 0 it accepts there, with a plan warning).
    mutating func reservation(hotplug: Bool) -> Reservation {
        var reserve = Reservation()
        if chance(0.3) { reserve.buses = chance(0.8) ? int(1...4) : int(5...32) }
        if chance(0.4) { reserve.io = chance(0.4) ? 0 : U(int(1...(chance(0.9) ? 4 : 16))) * 0x1000 }
        if chance(0.4) { reserve.mem = chance(0.3) ? 0 : (chance(0.9) ? u64(1...64) : u64(65...2048)) * miB }
        if chance(0.4) {
            reserve.pref64 = switch int(0...19) {
            case 0...4: 0
            case 5...14: u64(1...1024) * miB
            case 15...18: chance(0.5) ? pow2(30...36) : u64(1024...65536) * miB
            default: pow2(37...44)  // larger than most 64-bit windows
            }
        }
        if hotplug {
            if reserve.mem == 0 { reserve.mem = miB }
            if reserve.pref64 == 0 { reserve.pref64 = miB }
        }
        return reserve
    }

    /// A free bus 0 address: function 0 of a slot, or another function of a slot whose
    /// function 0 is explicitly taken (the decoder's function 0 rule); never a `reserved` slot.
    mutating func busZeroAddress(_ taken: inout Set<SlotAddress>, reserved: Set<Int> = []) -> SlotAddress? {
        for _ in 0..<8 {
            let slot = int(1...0x1e)
            if reserved.contains(slot) { continue }
            let zero = SlotAddress(device: slot, function: 0)
            if !taken.contains(zero) {
                taken.insert(zero)
                return zero
            }
            let free = (1..<8).map { SlotAddress(device: slot, function: $0) }.filter { !taken.contains($0) }
            if !free.isEmpty, chance(0.5) {
                let address = pick(free)
                taken.insert(address)
                return address
            }
        }
        return nil
    }

    mutating func freeFunction(_ taken: inout Set<Int>) -> Int? {
        if !taken.contains(0) {
            taken.insert(0)
            return 0
        }
        let free = (1..<8).filter { !taken.contains($0) }
        guard !free.isEmpty else { return nil }
        let function = pick(free)
        taken.insert(function)
        return function
    }

    mutating func endpoint(id: String, physBits: Int, onBusZero: Bool) -> Device {
        if chance(0.75) {
            let model = pick(DeviceCatalog.endpointModels)
            var device = Device(id: id, model: model)
            if DeviceCatalog.sizedModels.contains(model) {
                let top = min(36, physBits - 2)  // 64G, and the decoder's 2^(phys_bits-2)
                device.size = chance(0.7) ? pow2(12...28) : pow2(28...top)
            }
            return device
        }
        return passthrough(id: id, physBits: physBits)
    }

    /// Explicit BARs: io, mem32 and mem64 (prefetchable or not) on free registers, a 64-bit BAR
    /// taking two and never starting at 5, and sometimes a ROM.
    mutating func passthrough(id: String, physBits: Int) -> Device {
        var bars: [BARSpec] = []
        var register = 0
        while register <= 5 {
            defer { register += 1 }
            guard chance(0.45) else { continue }
            let kind = int(0...9)
            if kind < 2 {
                bars.append(BARSpec(index: register, kind: .io, size: pow2(2...8)))
            } else if kind < 5 || register == 5 {
                let size = switch int(0...19) {
                case 0...15: pow2(4...24)
                case 16...18: pow2(25...28)
                default: pow2(29...31)
                }
                bars.append(BARSpec(index: register, kind: .mem32, size: size, prefetchable: chance(0.3)))
            } else {
                let size = switch int(0...9) {
                case 0...5: pow2(4...24)
                case 6...8: pow2(25...33)
                default: pow2(34...min(40, physBits - 2))
                }
                bars.append(BARSpec(index: register, kind: .mem64, size: size, prefetchable: chance(0.7)))
                register += 1
            }
        }
        var device = Device(id: id, bars: bars)
        if chance(0.5) { device.passthrough = String(format0000: int(0...0xff), int(0...0x1f), int(0...7)) }
        if chance(0.3) { device.rom = pow2(11...24) }
        return device
    }

    /// A 256M-aligned base the decoder accepts: below 64G, clear of 0xFEC00000-4G. Often clear of
    /// RAM, sometimes not (then the toolstack must refuse it).
    mutating func ecamBase(size: UInt64, memory: UInt64) -> UInt64 {
        let step = 256 * miB
        let low = stride(from: step, through: 0xF000_0000, by: Int(step)).map { U($0) }
            .filter { $0 + size <= 0xFEC0_0000 }
        let high = stride(from: fourGiB, through: 64 * giB - size, by: Int(step)).map { U($0) }
        switch int(0...9) {
        case 0...3:
            return pick(low)
        case 4...6:
            // Just above the most RAM that can sit above 4G (QEMU keeps at least 2G low).
            let above = (fourGiB + memory - min(memory, 0x8000_0000) + step - 1) / step * step + U(int(0...4)) * step
            return above + size <= 64 * giB ? above : pick(high)
        default:
            return pick(high)
        }
    }
}

extension String {
    init(format0000 bus: Int, _ device: Int, _ function: Int) {
        func hex2(_ v: Int) -> String { let s = String(v, radix: 16); return s.count < 2 ? "0" + s : s }
        self = "0000:" + hex2(bus) + ":" + hex2(device) + "." + String(function)
    }
}

// MARK: - TOML

extension RandomVM {
    /// The description as a user would write it (DESIGN.md's schema), for the decoder round trip
    /// and for failure reports that can be fed to `guestfw plan` as they are.
    static func toml(_ config: MachineConfig) -> String {
        var lines = [
            "name = \"\(config.name)\"",
            "vmm = \"\(config.vmm.rawValue)\"",
            "memory = \(size(config.memory))",
            "vcpus = \(config.vcpus)",
            "phys_bits = \(config.physBits)",
            "",
            "[ecam]",
            "policy = \"\(config.ecam.policy.rawValue)\"",
            "buses = \(config.ecam.buses)",
        ]
        if let base = config.ecam.base { lines.append("base = \"0x\(String(base, radix: 16))\"") }
        let mmio = config.mmio
        if mmio.hole != nil || mmio.window64 != nil || mmio.relocateRAM {
            lines += ["", "[mmio]"]
            if let hole = mmio.hole { lines.append("hole = \(size(hole))") }
            if let window = mmio.window64 { lines.append("window64 = \(size(window))") }
            if mmio.relocateRAM { lines.append("relocate_ram = true") }
        }
        for host in config.hostBridges {
            lines += ["", "[[host_bridge]]", "id = \"\(host.id)\"", "bus_nr = \(host.busNumber)"]
        }
        for port in config.rootPorts {
            lines += ["", "[[root_port]]", "id = \"\(port.id)\""]
            if let bus = port.bus { lines.append("bus = \"\(bus)\"") }
            if let addr = port.addr { lines.append("addr = \"\(addr)\"") }
            if port.hotplug { lines.append("hotplug = true") }
            let r = port.reserve
            var fields: [String] = []
            if let buses = r.buses { fields.append("bus = \(buses)") }
            if let io = r.io { fields.append("io = \(size(io))") }
            if let mem = r.mem { fields.append("mem = \(size(mem))") }
            if let pref = r.pref64 { fields.append("pref64 = \(size(pref))") }
            if !fields.isEmpty { lines.append("reserve = { " + fields.joined(separator: ", ") + " }") }
        }
        for sw in config.switches {
            let ports = sw.downstream.map { port -> String in
                var fields = ["id = \"\(port.id)\""]
                if port.hotplug { fields.append("hotplug = true") }
                return "{ " + fields.joined(separator: ", ") + " }"
            }
            lines += ["", "[[switch]]", "id = \"\(sw.id)\"", "bus = \"\(sw.bus)\"", "downstream = [" + ports.joined(separator: ", ") + "]"]
        }
        for bridge in config.pciBridges {
            lines += ["", "[[pci_bridge]]", "id = \"\(bridge.id)\"", "model = \"\(bridge.model.rawValue)\""]
            if let bus = bridge.bus { lines.append("bus = \"\(bus)\"") }
        }
        for device in config.devices {
            lines += ["", "[[device]]", "id = \"\(device.id)\""]
            if let model = device.model { lines.append("model = \"\(model)\"") }
            if let bus = device.bus { lines.append("bus = \"\(bus)\"") }
            if let addr = device.addr { lines.append("addr = \"\(addr)\"") }
            if let size = device.size { lines.append("size = \(Self.size(size))") }
            if let host = device.passthrough { lines.append("passthrough = \"\(host)\"") }
            if device.model == nil {
                if device.bars.isEmpty {
                    lines.append("bars = []")
                } else {
                    lines.append("bars = [")
                    for bar in device.bars {
                        lines.append("  { bar = \(bar.index), size = \(size(bar.size)), kind = \"\(bar.kind.rawValue)\""
                                     + (bar.prefetchable ? ", prefetchable = true" : "") + " },")
                    }
                    lines.append("]")
                }
            }
            if let rom = device.rom { lines.append("rom = \(size(rom))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "2G", "512K", "0": a suffix only when exact (powers of 1024), else a plain integer.
    static func size(_ value: UInt64) -> String {
        if value == 0 { return "\"0\"" }
        for (suffix, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where value % (UInt64(1) << UInt64(shift)) == 0 {
            return "\"\(value >> UInt64(shift))\(suffix)\""
        }
        return String(value)
    }
}

extension RandomVM {
    /// The parsed document tree of `toml(config)`, as the TOML and JSON readers would produce it.
    static func document(_ config: MachineConfig) -> ConfigTable {
        func node(_ value: ConfigValue) -> ConfigNode { ConfigNode(value) }
        func quantity(_ value: UInt64) -> ConfigNode {
            let text = size(value)
            return text.hasPrefix("\"") ? node(.string(String(text.dropFirst().dropLast()))) : node(.integer(Int64(value)))
        }
        func table(_ entries: [(String, ConfigNode?)]) -> ConfigNode {
            node(.table(ConfigTable(entries.compactMap { key, value in value.map { ConfigTable.Entry(key: key, node: $0) } })))
        }
        let mmio = config.mmio
        var top: [(String, ConfigNode?)] = [
            ("name", node(.string(config.name))), ("vmm", node(.string(config.vmm.rawValue))),
            ("memory", quantity(config.memory)), ("vcpus", node(.integer(Int64(config.vcpus)))),
            ("phys_bits", node(.integer(Int64(config.physBits)))),
            ("ecam", table([("policy", node(.string(config.ecam.policy.rawValue))),
                            ("buses", node(.integer(Int64(config.ecam.buses)))),
                            ("base", config.ecam.base.map { node(.string("0x" + String($0, radix: 16))) })])),
        ]
        if mmio.hole != nil || mmio.window64 != nil || mmio.relocateRAM {
            top.append(("mmio", table([("hole", mmio.hole.map(quantity)), ("window64", mmio.window64.map(quantity)),
                                       ("relocate_ram", mmio.relocateRAM ? node(.bool(true)) : nil)])))
        }
        let ports = config.rootPorts.map { port -> ConfigNode in
            let r = port.reserve
            let reserve = r == Reservation() ? nil : table([
                ("bus", r.buses.map { node(.integer(Int64($0))) }), ("io", r.io.map(quantity)),
                ("mem", r.mem.map(quantity)), ("pref64", r.pref64.map(quantity)),
            ])
            return table([("id", node(.string(port.id))), ("addr", port.addr.map { node(.string($0.description)) }),
                          ("hotplug", port.hotplug ? node(.bool(true)) : nil), ("reserve", reserve)])
        }
        let devices = config.devices.map { device -> ConfigNode in
            let bars = device.model != nil ? nil : node(.array(device.bars.map { bar in
                table([("bar", node(.integer(Int64(bar.index)))), ("size", quantity(bar.size)),
                       ("kind", node(.string(bar.kind.rawValue))), ("prefetchable", bar.prefetchable ? node(.bool(true)) : nil)])
            }))
            return table([
                ("id", node(.string(device.id))), ("model", device.model.map { node(.string($0)) }),
                ("bus", device.bus.map { node(.string($0)) }), ("addr", device.addr.map { node(.string($0.description)) }),
                ("size", device.size.map(quantity)), ("passthrough", device.passthrough.map { node(.string($0)) }),
                ("bars", bars), ("rom", device.rom.map(quantity)),
            ])
        }
        if !ports.isEmpty { top.append(("root_port", node(.array(ports)))) }
        if !devices.isEmpty { top.append(("device", node(.array(devices)))) }
        return ConfigTable(top.compactMap { key, value in value.map { ConfigTable.Entry(key: key, node: $0) } })
    }
}

// MARK: - Shrinking

extension RandomVM {
    /// Smaller descriptions than `config`, most shrunk first, each accepted by the decoder. Every
    /// candidate is strictly smaller in a well-founded order (fewer entries, fewer BARs, smaller
    /// sizes, fewer explicit values), so shrinking always ends.
    static func shrinkCandidates(_ config: MachineConfig) -> [MachineConfig] {
        var out: [MachineConfig] = []
        func add(_ change: (inout MachineConfig) -> Void) {
            var candidate = config
            change(&candidate)
            if candidate != config { out.append(candidate) }
        }
        func removingPorts(_ ids: Set<String>) -> (inout MachineConfig) -> Void {
            { c in
                c.rootPorts.removeAll { ids.contains($0.id) }
                c.devices.removeAll { $0.bus.map(ids.contains) == true }
            }
        }
        let portIDs = config.rootPorts.map(\.id)
        let deviceIDs = config.devices.map(\.id)

        add { $0.devices = [] }
        add(removingPorts(Set(portIDs)))
        for chunk in [2, 4, 8] where portIDs.count >= chunk {
            let size = (portIDs.count + chunk - 1) / chunk
            for start in stride(from: 0, to: portIDs.count, by: size) {
                add(removingPorts(Set(portIDs[start..<min(portIDs.count, start + size)])))
            }
        }
        for chunk in [2, 4, 8] where deviceIDs.count >= chunk {
            let size = (deviceIDs.count + chunk - 1) / chunk
            for start in stride(from: 0, to: deviceIDs.count, by: size) {
                let ids = Set(deviceIDs[start..<min(deviceIDs.count, start + size)])
                add { $0.devices.removeAll { ids.contains($0.id) } }
            }
        }
        for id in portIDs { add(removingPorts([id])) }
        for index in config.devices.indices { add { $0.devices.remove(at: index) } }
        for (index, device) in config.devices.enumerated() {
            for bar in device.bars.indices { add { $0.devices[index].bars.remove(at: bar) } }
            if device.rom != nil { add { $0.devices[index].rom = nil } }
            if let size = device.size, size > 0x1000 { add { $0.devices[index].size = size / 2 } }
            for (bar, spec) in device.bars.enumerated() {
                if spec.size > 16 && !(spec.kind == .io && spec.size <= 4) { add { $0.devices[index].bars[bar].size = spec.size / 2 } }
                if spec.prefetchable { add { $0.devices[index].bars[bar].prefetchable = false } }
            }
            if let rom = device.rom, rom > 0x800 { add { $0.devices[index].rom = rom / 2 } }
            if device.addr != nil { add { $0.devices[index].addr = nil } }
            if device.passthrough != nil { add { $0.devices[index].passthrough = nil } }
            if device.id.hasPrefix("ich9") { add { $0.devices[index].id = "x\(index)" } }
        }
        for (index, port) in config.rootPorts.enumerated() {
            if port.reserve != Reservation() { add { $0.rootPorts[index].reserve = Reservation() } }
            if port.reserve.buses != nil { add { $0.rootPorts[index].reserve.buses = nil } }
            if port.reserve.io != nil { add { $0.rootPorts[index].reserve.io = nil } }
            if port.reserve.mem != nil { add { $0.rootPorts[index].reserve.mem = nil } }
            if let pref = port.reserve.pref64 {
                add { $0.rootPorts[index].reserve.pref64 = nil }
                if pref > miB { add { $0.rootPorts[index].reserve.pref64 = pref / 2 / miB * miB } }
            }
            if let mem = port.reserve.mem, mem > miB { add { $0.rootPorts[index].reserve.mem = mem / 2 / miB * miB } }
            if port.hotplug { add { $0.rootPorts[index].hotplug = false } }
            if port.addr != nil { add { $0.rootPorts[index].addr = nil } }
        }
        if config.mmio.hole != nil { add { $0.mmio.hole = nil } }
        if config.mmio.window64 != nil { add { $0.mmio.window64 = nil } }
        if config.mmio.relocateRAM { add { $0.mmio.relocateRAM = false } }
        if config.ecam.base != nil { add { $0.ecam.base = nil } }
        for buses in ECAMConfig.acceptedBusCounts where buses < config.ecam.buses { add { $0.ecam.buses = buses } }
        let lower = [128 * miB, 1 * giB, 2 * giB, config.memory / 2 / miB * miB,
                     config.memory >= 384 * miB ? config.memory - 256 * miB : 0, config.memory - miB]
        for memory in lower where memory >= 128 * miB && memory < config.memory {
            add { $0.memory = memory }
        }
        if config.vcpus != 1 { add { $0.vcpus = 1 } }
        if config.name != "min" { add { $0.name = "min" } }
        return out.filter(decodes)
    }

    /// Greedy shrinking outside PropertyBased: the smallest description that still fails `stillFails`.
    static func shrink(_ config: MachineConfig, maxSteps: Int = 400, stillFails: (MachineConfig) -> Bool) -> MachineConfig {
        var current = config
        var steps = 0
        outer: while steps < maxSteps {
            for candidate in shrinkCandidates(current) where stillFails(candidate) {
                current = candidate
                steps += 1
                continue outer
            }
            break
        }
        return current
    }
}
