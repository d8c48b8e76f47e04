/// Every entry of a description's PCI tree as decoded, with the reader of its table.
struct DecodedTree {
    var hostBridges: [Located<HostBridge>] = []
    var ports: [Located<RootPort>] = []
    var switches: [Located<ConfigDecoder.DecodedSwitch>] = []
    var bridges: [Located<PCIBridge>] = []
    var devices: [Located<Device>] = []
}

/// Checks that span entries: unique ids, buses that exist and may hold what names them, no loops,
/// addresses used once and allowed on their bus, enough addresses on every bus, host bridge bus
/// ranges that hold their trees, and enough bus numbers in the ECAM.
enum TopologyRules {
    /// What an id names, for the checks of every `bus` key.
    enum Holder {
        case hostBridge(Located<HostBridge>)
        case rootPort(Located<RootPort>)
        case switchUpstream(Located<ConfigDecoder.DecodedSwitch>)
        case downstreamPort(Located<DownstreamPort>, switchID: String)
        case pciBridge(Located<PCIBridge>)
        case device(Located<Device>)

        /// How the holder is named in a message: "a root port", "a downstream port of \"sw1\"".
        var kind: String {
            switch self {
            case .hostBridge: "a host bridge"
            case .rootPort: "a root port"
            case .switchUpstream: "a switch"
            case .downstreamPort(_, let switchID): "a downstream port of \"\(switchID)\""
            case .pciBridge(let bridge): "a PCI bridge (\(bridge.value.model.rawValue))"
            case .device: "a device"
            }
        }

        var isPCIePort: Bool {
            switch self {
            case .rootPort, .downstreamPort: true
            default: false
            }
        }
    }

    /// A bus of the tree, by the id of what provides it (nil = PCI0's bus 0).
    enum BusKind {
        case busZero
        case hostBridge
        case pciePort(String)
        case conventional
    }

    /// `guestDevices` are the bus 0 devices the VMM adds itself (`XenGuest.devices`): their ids
    /// and slots are not the user's to take.
    static func check(_ tree: DecodedTree, ecam: ECAMConfig, guestDevices: [Device] = [], diagnostics: Diagnostics) {
        checkUniqueIDs(ids(of: tree), guestDevices: guestDevices, diagnostics)
        let holders = holders(of: tree)
        let placed = checkBuses(tree, holders: holders, diagnostics)
        checkLoops(tree, holders: holders, diagnostics)
        checkSwitchLinks(tree, placed: placed, holders: holders, diagnostics)
        checkDownstreamSlots(tree, diagnostics)
        checkAddresses(tree, placed: placed, holders: holders, guestDevices: guestDevices, diagnostics)
        checkCapacity(tree, placed: placed, holders: holders, guestDevices: guestDevices, diagnostics)
        checkBusNumbers(tree, ecam: ecam, diagnostics)
    }

    // MARK: - Ids

    /// Every id of the description with its reader, in file order.
    static func ids(of tree: DecodedTree) -> [(String, FieldReader)] {
        var ids = tree.hostBridges.map { ($0.value.id, $0.reader) } + tree.ports.map { ($0.value.id, $0.reader) }
        for item in tree.switches {
            ids.append((item.value.value.id, item.reader))
            ids += item.value.ports.map { ($0.value.id, $0.reader) }
        }
        ids += tree.bridges.map { ($0.value.id, $0.reader) } + tree.devices.map { ($0.value.id, $0.reader) }
        return ids.enumerated().sorted { a, b in
            let (la, lb) = (a.element.1.location, b.element.1.location)
            if let la, let lb, (la.line, la.column) != (lb.line, lb.column) { return (la.line, la.column) < (lb.line, lb.column) }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func checkUniqueIDs(_ ids: [(String, FieldReader)], guestDevices: [Device] = [], _ diagnostics: Diagnostics) {
        var seen: [String: FieldReader] = [:]
        let chipset = ChipsetFunctions.all.map(\.id)
        for (id, reader) in ids {
            if chipset.contains(id) {
                diagnostics.report(reader.field("id"), reader.node("id"),
                                   problem: "is the id of an ICH9 function QEMU always creates (the plan lists it by that id)",
                                   accepted: "an id other than " + chipset.joined(separator: ", "))
            } else if let guest = guestDevices.first(where: { $0.id == id }) {
                diagnostics.report(reader.field("id"), reader.node("id"),
                                   problem: "is the id of \(XenGuest.holder(guest)), which libxl adds to every such Xen guest (the plan lists it by that id)",
                                   accepted: "an id other than " + guestDevices.map(\.id).joined(separator: ", "))
            } else if let first = seen[id] {
                let line = first.location.map { " at line \($0.line)" } ?? ""
                diagnostics.report(reader.field("id"), reader.node("id"),
                                   problem: "duplicate id: \(first.path)\(line) has it already", accepted: "an id used once")
            } else {
                seen[id] = reader
            }
        }
    }

    /// What each id names; the first entry of a duplicate id wins (the others are refused).
    static func holders(of tree: DecodedTree) -> [String: Holder] {
        var holders: [String: Holder] = [:]
        func add(_ id: String, _ holder: Holder) {
            if holders[id] == nil { holders[id] = holder }
        }
        for item in tree.hostBridges { add(item.value.id, .hostBridge(item)) }
        for item in tree.ports { add(item.value.id, .rootPort(item)) }
        for item in tree.switches {
            add(item.value.value.id, .switchUpstream(item))
            for port in item.value.ports { add(port.value.id, .downstreamPort(port, switchID: item.value.value.id)) }
        }
        for item in tree.bridges { add(item.value.id, .pciBridge(item)) }
        for item in tree.devices { add(item.value.id, .device(item)) }
        return holders
    }

    // MARK: - Bus keys

    /// The entries whose `bus` names what may hold them, by entry path: only these are checked
    /// further, so that one wrong bus is one error.
    struct Placed {
        var paths: Set<String> = []
        func contains(_ reader: FieldReader) -> Bool { paths.contains(reader.path) }
    }

    static func checkBuses(_ tree: DecodedTree, holders: [String: Holder], _ diagnostics: Diagnostics) -> Placed {
        var placed = Placed()
        let portIDs = holders.filter { $0.value.isPCIePort }.map(\.key).sorted { order(holders[$0]!) < order(holders[$1]!) }
        let bridgeIDs = tree.bridges.map(\.value.id).filter { if case .pciBridge = holders[$0] { true } else { false } }
        let hostIDs = tree.hostBridges.map(\.value.id).filter { if case .hostBridge = holders[$0] { true } else { false } }

        func refuse(_ reader: FieldReader, _ bus: String, accepting candidates: [String], names: String, accepted: String) {
            let holder = holders[bus]
            let problem = holder.map { "names \($0.kind), which cannot hold it" } ?? "names no \(names)"
            let guess = holder == nil ? closest(bus, among: candidates).map { "did you mean \"\($0)\"? " } ?? "" : ""
            diagnostics.report(reader.field("bus"), reader.node("bus"), problem: problem, accepted: guess + accepted)
        }
        func list(_ ids: [String]) -> String { ids.map { "\"\($0)\"" }.joined(separator: ", ") }

        for item in tree.ports {
            guard let bus = item.value.bus else { placed.paths.insert(item.reader.path); continue }
            if case .hostBridge = holders[bus] { placed.paths.insert(item.reader.path); continue }
            refuse(item.reader, bus, accepting: hostIDs, names: "host bridge",
                   accepted: hostIDs.isEmpty ? "no bus key (there is no [[host_bridge]]): the root port is then on PCI0's bus 0"
                       : "a host bridge id: \(list(hostIDs)), or no bus key for PCI0's bus 0")
        }
        for item in tree.switches {
            let sw = item.value.value
            if let holder = holders[sw.bus], holder.isPCIePort {
                placed.paths.insert(item.reader.path)
                continue
            }
            let accepted = portIDs.isEmpty ? "the id of a root port or downstream port (there is none yet: add a [[root_port]])"
                : "a root port or downstream port id: \(list(portIDs))"
            if case .pciBridge = holders[sw.bus] {
                diagnostics.report(item.reader.field("bus"), item.reader.node("bus"),
                                   problem: "names \(holders[sw.bus]!.kind), whose bus is conventional PCI: a switch's upstream port is a PCI Express device and needs a PCIe port's link",
                                   accepted: accepted)
            } else {
                refuse(item.reader, sw.bus, accepting: portIDs, names: "root port or downstream port", accepted: accepted)
            }
        }
        for item in tree.bridges {
            let bridge = item.value
            guard let bus = bridge.bus else { placed.paths.insert(item.reader.path); continue }
            let holder = holders[bus]
            if holder?.isPCIePort == true { placed.paths.insert(item.reader.path); continue }
            if case .pciBridge = holder, bridge.model == .pciBridge { placed.paths.insert(item.reader.path); continue }
            if case .pciBridge = holder {
                diagnostics.report(item.reader.field("bus"), item.reader.node("bus"),
                                   problem: "names \(holder!.kind), whose bus is conventional PCI, and a pcie-pci-bridge is a PCI Express device",
                                   accepted: "a root port or downstream port id\(portIDs.isEmpty ? "" : " (" + list(portIDs) + ")"), no bus key for bus 0, or model = \"pci-bridge\" (a PCI-to-PCI bridge) behind \"\(bus)\"")
                continue
            }
            let candidates = bridge.model == .pciBridge ? portIDs + bridgeIDs.filter { $0 != bridge.id } : portIDs
            let kinds = bridge.model == .pciBridge ? "root port, downstream port or PCI bridge" : "root port or downstream port"
            refuse(item.reader, bus, accepting: candidates, names: kinds,
                   accepted: candidates.isEmpty ? "no bus key: the bridge is then on bus 0"
                       : "a \(kinds) id: \(list(candidates)), or no bus key for bus 0")
        }
        let conventionalModels = DeviceCatalog.endpointModels.filter { !DeviceCatalog.isPCIeOnly($0) }
        for item in tree.devices {
            let device = item.value
            guard let bus = device.bus else { placed.paths.insert(item.reader.path); continue }
            let holder = holders[bus]
            if holder?.isPCIePort == true { placed.paths.insert(item.reader.path); continue }
            if case .pciBridge = holder {
                if let model = device.model, DeviceCatalog.isPCIeOnly(model) {
                    diagnostics.report(item.reader.field("bus"), item.reader.node("bus"),
                                       problem: "names \(holder!.kind), whose bus is conventional PCI, and \(model) is a PCI Express endpoint only",
                                       accepted: "a root port or downstream port id for \(model)\(portIDs.isEmpty ? "" : " (" + list(portIDs) + ")"), or a conventional model behind \"\(bus)\": " + conventionalModels.joined(separator: ", "))
                } else {
                    placed.paths.insert(item.reader.path)
                }
                continue
            }
            let candidates = portIDs + bridgeIDs
            var accepted = candidates.isEmpty ? "no bus key (there is no root port, downstream port or PCI bridge): the device is then integrated on bus 0"
                : "a root port, downstream port or PCI bridge id: \(list(candidates)), or no bus key for bus 0"
            if case .switchUpstream(let sw) = holder {
                accepted = "one of its downstream ports: " + list(sw.value.value.downstream.map(\.id))
            }
            refuse(item.reader, bus, accepting: candidates, names: "root port, downstream port or PCI bridge", accepted: accepted)
        }
        return placed
    }

    /// File order of a holder, for lists in messages.
    static func order(_ holder: Holder) -> Int {
        let reader: FieldReader = switch holder {
        case .hostBridge(let item): item.reader
        case .rootPort(let item): item.reader
        case .switchUpstream(let item): item.reader
        case .downstreamPort(let item, _): item.reader
        case .pciBridge(let item): item.reader
        case .device(let item): item.reader
        }
        return (reader.location?.line ?? 0) * 10_000 + (reader.location?.column ?? 0)
    }

    // MARK: - Loops

    /// A switch behind one of its own downstream ports, or bridges behind each other: the loop
    /// reaches no host bridge. Each loop is reported once, at its first entry in the file.
    static func checkLoops(_ tree: DecodedTree, holders: [String: Holder], _ diagnostics: Diagnostics) {
        // The switch or bridge whose bus holds each switch and bridge (nil: a root port, bus 0, or
        // a bus already refused).
        func parent(_ id: String) -> (via: String, owner: String)? {
            let bus: String?
            switch holders[id] {
            case .switchUpstream(let item): bus = item.value.value.bus
            case .pciBridge(let item): bus = item.value.bus
            default: return nil
            }
            guard let bus else { return nil }
            switch holders[bus] {
            case .downstreamPort(_, let switchID): return (bus, switchID)
            case .pciBridge: return (bus, bus)
            default: return nil
            }
        }
        let nodes = tree.switches.map { ($0.value.value.id, $0.reader) } + tree.bridges.map { ($0.value.id, $0.reader) }
        var done: Set<String> = []
        for (id, _) in nodes.sorted(by: { ($0.1.location?.line ?? 0) < ($1.1.location?.line ?? 0) }) where !done.contains(id) {
            var walk: [String] = []
            var current: String? = id
            while let node = current, !done.contains(node), !walk.contains(node) {
                walk.append(node)
                current = parent(node)?.owner
            }
            done.formUnion(walk)
            guard let start = current, let first = walk.firstIndex(of: start) else { continue }
            let loop = Array(walk[first...])
            // Report at the loop's first entry in the file.
            let members = loop.compactMap { member in nodes.first { $0.0 == member } }
            guard let (head, reader) = members.min(by: { ($0.1.location?.line ?? 0) < ($1.1.location?.line ?? 0) }) else { continue }
            var steps: [String] = []
            var node = head
            repeat {
                guard let (via, owner) = parent(node) else { break }
                steps.append(via == owner ? "\"\(via)\"" : "\"\(via)\" of \"\(owner)\"")
                node = owner
            } while node != head
            let isSwitch = tree.switches.contains { $0.value.value.id == head }
            let chain = "\"\(head)\" is behind " + steps.joined(separator: ", which is behind ") + (steps.count == 1 ? " itself" : "")
            diagnostics.report(reader.field("bus"), reader.node("bus"),
                               problem: "makes a loop: \(chain); nothing in the loop reaches a host bridge",
                               accepted: isSwitch ? "a root port, or a downstream port that is not behind \"\(head)\""
                                   : "no bus key (bus 0), a root port, a downstream port, or a PCI bridge that is not behind \"\(head)\"")
        }
    }

    // MARK: - Links and slots

    /// A switch's upstream port takes its port's link (device 0) alone.
    static func checkSwitchLinks(_ tree: DecodedTree, placed: Placed, holders: [String: Holder], _ diagnostics: Diagnostics) {
        var owner: [String: String] = [:]
        for item in tree.switches where placed.contains(item.reader) {
            let sw = item.value.value
            if owner[sw.bus] == nil { owner[sw.bus] = sw.id }
        }
        var others: [(String, FieldReader, String)] = tree.switches.filter { placed.contains($0.reader) }
            .map { ($0.value.value.bus, $0.reader, $0.value.value.id) }
        others += tree.bridges.compactMap { item in item.value.bus.map { ($0, item.reader, item.value.id) } }
        others += tree.devices.compactMap { item in item.value.bus.map { ($0, item.reader, item.value.id) } }
        for (bus, reader, id) in others where placed.contains(reader) {
            guard let switchID = owner[bus], switchID != id, case .switchUpstream(let sw) = holders[switchID] else { continue }
            diagnostics.report(reader.field("bus"), reader.node("bus"),
                               problem: "\"\(bus)\" holds the upstream port of switch \"\(switchID)\", which takes the port's link (device 0) alone",
                               accepted: "a bus other than \"\(bus)\", e.g. a downstream port of \"\(switchID)\": "
                                   + sw.value.value.downstream.prefix(4).map { "\"\($0.id)\"" }.joined(separator: ", ")
                                   + (sw.value.value.downstream.count > 4 ? ", ..." : ""))
        }
    }

    /// Downstream ports with an explicit slot: each slot of the switch's internal bus once.
    static func checkDownstreamSlots(_ tree: DecodedTree, _ diagnostics: Diagnostics) {
        for item in tree.switches {
            var taken: [Int: FieldReader] = [:]
            for port in item.value.ports {
                guard let slot = port.value.slot else { continue }
                if let first = taken[slot] {
                    diagnostics.report(port.reader.field("slot"), port.reader.node("slot"),
                                       problem: "two downstream ports on one slot: \(first.path) is at slot \(slot) of \"\(item.value.value.id)\"'s internal bus already",
                                       accepted: "a free device number 0 to 31, or no slot key")
                } else {
                    taken[slot] = port.reader
                }
            }
        }
    }

    /// The kind of the bus named `bus` (nil = bus 0) for an entry whose bus was accepted.
    static func busKind(_ bus: String?, holders: [String: Holder]) -> BusKind {
        switch bus.flatMap({ holders[$0] }) {
        case nil: .busZero
        case .hostBridge: .hostBridge
        case .rootPort: .pciePort("a root port")
        case .downstreamPort: .pciePort("a downstream port")
        default: .conventional
        }
    }

    /// Explicit addresses: free on their bus and allowed there (01-1e on bus 0, 0.F behind a PCIe
    /// port, 01-1f on a conventional bus), each used once, and a function 0 wherever another
    /// function of the slot is used (Linux scans function 0 first).
    static func checkAddresses(_ tree: DecodedTree, placed: Placed, holders: [String: Holder], guestDevices: [Device] = [],
                               _ diagnostics: Diagnostics) {
        var taken: [String: [SlotAddress: FieldReader]] = [:]
        var busOrder: [String] = []
        var entries = tree.hostBridges.map { (nil as String?, $0.value.addr, $0.reader) }
        entries += tree.ports.filter { placed.contains($0.reader) }.map { ($0.value.bus, $0.value.addr, $0.reader) }
        entries += tree.bridges.filter { placed.contains($0.reader) }.map { ($0.value.bus, $0.value.addr, $0.reader) }
        entries += tree.devices.filter { placed.contains($0.reader) }.map { ($0.value.bus, $0.value.addr, $0.reader) }
        entries.sort { ($0.2.location?.line ?? 0) < ($1.2.location?.line ?? 0) }
        let guestSlots = guestDevices.compactMap(\.addr?.device)
        for (bus, addr, reader) in entries {
            guard let addr else { continue }
            switch busKind(bus, holders: holders) {
            case .busZero:
                if !BusZero.isFree(addr) {
                    diagnostics.report(reader.field("addr"), reader.node("addr"),
                                       problem: "is taken by the chipset (00.0 is the MCH, slot 1f the ICH9 functions)",
                                       accepted: "a device from 01 to 1e" + (guestSlots.isEmpty ? "" : " other than " + guestSlots.map(hex2).joined(separator: ", ")))
                    continue
                }
                // A VMM device is a single-function device: its whole slot is taken.
                if let guest = guestDevices.first(where: { $0.addr?.device == addr.device }) {
                    diagnostics.report(reader.field("addr"), reader.node("addr"),
                                       problem: "slot \(hex2(addr.device)) is held by \(XenGuest.holder(guest)), which libxl's QEMU puts at \(guest.addr!)",
                                       accepted: "a device from 01 to 1e other than " + guestSlots.map(hex2).joined(separator: ", "))
                    continue
                }
            case .hostBridge:
                break
            case .pciePort(let kind):
                if addr.device != 0 {
                    diagnostics.report(reader.field("addr"), reader.node("addr"),
                                       problem: "\"\(bus!)\" is \(kind), whose link reaches device 0 only (Linux scans no other device behind a PCIe port; QEMU: \"parent device only allows plugging into slot 0\")",
                                       accepted: "\"0.F\" with F from 0 to 7")
                    continue
                }
            case .conventional:
                if addr.device == 0 {
                    diagnostics.report(reader.field("addr"), reader.node("addr"),
                                       problem: "slot 00 of \"\(bus!)\"'s conventional bus is not usable: QEMU's standard hot-plug controller (SHPC) of pci-bridge and pcie-pci-bridge serves slots 01-1f and refuses a device in slot 00",
                                       accepted: "\"DD.F\" with DD from 01 to 1f and F from 0 to 7")
                    continue
                }
            }
            let key = bus ?? ""
            if let first = taken[key]?[addr] {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "two functions on one address: \(first.path) is at \(addr) on \(bus.map { "\"\($0)\"" } ?? "bus 0") already",
                                   accepted: "a free device.function")
                continue
            }
            if taken[key] == nil { busOrder.append(key) }
            taken[key, default: [:]][addr] = reader
        }
        for bus in busOrder {
            let slots = taken[bus]!
            for (addr, reader) in slots.sorted(by: { $0.key < $1.key })
            where addr.function != 0 && slots[SlotAddress(device: addr.device, function: 0)] == nil {
                let place = bus.isEmpty ? "" : busKind(bus, holders: holders).isHostBridge ? " on \"\(bus)\"'s bus" : " behind \"\(bus)\""
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "function \(addr.function) of slot \(hex2(addr.device)) without a function 0 there\(place): Linux would never find it",
                                   accepted: "an address with function 0 also given explicitly in that slot")
            }
        }
    }

    // MARK: - Capacity

    /// Enough device.function addresses on every bus.
    static func checkCapacity(_ tree: DecodedTree, placed: Placed, holders: [String: Holder],
                              guestDevices: [Device] = [], _ diagnostics: Diagnostics) {
        let ports = tree.ports.filter { $0.value.bus == nil }.count
        let integrated = tree.devices.filter { $0.value.bus == nil }.count
        let bridges = tree.bridges.filter { $0.value.bus == nil }.count
        let hosts = tree.hostBridges.count
        let onBusZero = ports + integrated + bridges + hosts
        // Each VMM device holds a whole slot (it is not multi-function).
        let guestSlots = Set(guestDevices.compactMap(\.addr?.device)).sorted()
        let capacity = BusZero.capacity - 8 * guestSlots.count
        let less = guestSlots.isEmpty ? "" : ", less slot\(guestSlots.count == 1 ? "" : "s") \(guestSlots.map(hex2).joined(separator: " and ")) held by libxl's \(guestDevices.map(\.id).joined(separator: " and "))"
        let last = [tree.devices.last?.reader, tree.bridges.last?.reader, tree.ports.last?.reader, tree.hostBridges.last?.reader]
            .compactMap { $0 }.max { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
        if onBusZero > capacity, let last {
            var parts = ["\(ports) root ports", "\(integrated) integrated devices"]
            if bridges > 0 { parts.append("\(bridges) PCI bridges") }
            if hosts > 0 { parts.append("\(hosts) host bridges") }
            let what = parts.count == 2 ? parts.joined(separator: " and ")
                : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
            diagnostics.report(last.path, nil,
                               problem: "\(what) need \(onBusZero) bus 0 addresses; bus 0 has \(capacity) (slots 01-1e, 8 functions each\(less))",
                               accepted: parts.count == 2 ? "at most \(capacity) root ports and integrated endpoints together"
                                   : "at most \(capacity) root ports, integrated endpoints, PCI bridges and host bridges together")
        }
        var count: [String: Int] = [:]
        var entries = tree.ports.filter { placed.contains($0.reader) }.compactMap { item in item.value.bus.map { ($0, item.reader) } }
        entries += tree.bridges.filter { placed.contains($0.reader) }.compactMap { item in item.value.bus.map { ($0, item.reader) } }
        entries += tree.devices.filter { placed.contains($0.reader) }.compactMap { item in item.value.bus.map { ($0, item.reader) } }
        entries.sort { ($0.1.location?.line ?? 0) < ($1.1.location?.line ?? 0) }
        func report(_ reader: FieldReader, _ problem: String, _ accepted: String) {
            diagnostics.append(ConfigError(file: diagnostics.file, location: reader.location, field: reader.path, value: nil,
                                           problem: problem, accepted: accepted))
        }
        for (bus, reader) in entries {
            count[bus, default: 0] += 1
            let n = count[bus]!
            switch busKind(bus, holders: holders) {
            case .pciePort(let kind) where n == 9:
                report(reader, "is the 9th function behind \"\(bus)\"; \(kind)'s link has one device of 8 functions",
                       "at most 8 devices behind one port")
            case .conventional where n == 31 * 8 + 1:
                report(reader, "is the \(n)th function on \"\(bus)\"; a conventional PCI bus has 31 slots (01-1f) of 8 functions",
                       "at most 248 devices and bridges on one PCI bridge")
            case .hostBridge where n == 32 * 8 + 1:
                report(reader, "is the \(n)th function on \"\(bus)\"'s bus, which has 32 slots of 8 functions",
                       "at most 256 root ports on one host bridge")
            default:
                break
            }
        }
    }

    // MARK: - Bus numbers

    /// Host bridge ranges (PCI0 owns buses 0 up to the lowest bus_nr - 1; each host bridge owns
    /// its bus_nr up to the next one's - 1, or up to the ECAM's last bus) that hold their trees
    /// (`BusDemand`), and the whole tree within the ECAM.
    static func checkBusNumbers(_ tree: DecodedTree, ecam: ECAMConfig, _ diagnostics: Diagnostics) {
        let demand = BusDemand(rootPorts: tree.ports.map(\.value), switches: tree.switches.map(\.value.value),
                               pciBridges: tree.bridges.map(\.value), hostBridges: tree.hostBridges.map(\.value))
        let lastBus = ecam.buses - 1
        let pci0 = demand.buses(hostBridge: nil)
        var starts: [(Located<HostBridge>)] = []
        for item in tree.hostBridges {
            let reader = item.reader, start = item.value.busNumber
            if start > lastBus {
                diagnostics.report(reader.field("bus_nr"), reader.node("bus_nr"),
                                   problem: "is past the ECAM's last bus (\(lastBus) with ecam.buses = \(ecam.buses))",
                                   accepted: "a bus number from \(min(pci0, lastBus)) to \(lastBus), or a larger ecam.buses")
            } else if let first = starts.first(where: { $0.value.busNumber == start }) {
                diagnostics.report(reader.field("bus_nr"), reader.node("bus_nr"),
                                   problem: "overlaps \(first.reader.path)'s buses (\"\(first.value.id)\"), which start at \(start) too",
                                   accepted: "a bus_nr at which no other host bridge's range starts")
            } else {
                starts.append(item)
            }
        }
        starts.sort { $0.value.busNumber < $1.value.busNumber }
        if let lowest = starts.first, pci0 > lowest.value.busNumber {
            let reader = lowest.reader
            diagnostics.report(reader.field("bus_nr"), reader.node("bus_nr"),
                               problem: "overlaps PCI0's buses: bus 0 and what is behind it need \(pci0) buses (0-\(pci0 - 1)), and PCI0's range ends below the lowest bus_nr",
                               accepted: pci0 <= lastBus ? "a bus_nr from \(pci0) to \(lastBus)" : "fewer buses behind PCI0, or a larger ecam.buses")
        }
        for (index, item) in starts.enumerated() {
            let start = item.value.busNumber, need = demand.buses(hostBridge: item.value.id)
            let next = index + 1 < starts.count ? starts[index + 1] : nil
            let end = next.map { $0.value.busNumber - 1 } ?? lastBus
            guard start + need - 1 > end else { continue }
            let needs = "\"\(item.value.id)\"'s bus and what is behind it need \(need) buses (\(start)-\(start + need - 1))"
            if let next {
                diagnostics.report(item.reader.field("bus_nr"), item.reader.node("bus_nr"),
                                   problem: "\(needs), which overlaps \(next.reader.path)'s buses (\"\(next.value.id)\", from its bus_nr \(next.value.busNumber))",
                                   accepted: "a range of at least \(need) buses before the next host bridge's bus_nr (at least \(start + need) there), or fewer buses behind \"\(item.value.id)\"")
            } else {
                diagnostics.report(item.reader.field("bus_nr"), item.reader.node("bus_nr"),
                                   problem: "\(needs), more than its range \(start)-\(lastBus) holds (it ends at the ECAM's last bus with ecam.buses = \(ecam.buses))",
                                   accepted: "a range of at least \(need) buses: a lower bus_nr, a larger ecam.buses, or fewer buses behind \"\(item.value.id)\"")
            }
        }
        let total = demand.total
        if total > ecam.buses {
            let simple = tree.switches.isEmpty && tree.bridges.isEmpty && tree.hostBridges.isEmpty
            let problem = simple ? "bus 0 and the root ports' bus reservations need \(total) bus numbers"
                : "bus 0\(tree.hostBridges.isEmpty ? " and the buses behind it" : ", the host bridges' buses and the buses behind them") need \(total) bus numbers (each root or downstream port takes its reserve.bus, 1 when not given, or what is behind it if more; a switch's internal bus, a PCI bridge's bus and a host bridge's bus take 1 each)"
            diagnostics.append(ConfigError(
                file: diagnostics.file, location: nil, field: "ecam.buses", value: String(ecam.buses),
                problem: problem,
                accepted: ECAMConfig.acceptedBusCounts.filter { $0 >= total }.map(String.init).joined(separator: " or ")
                    .nonEmpty ?? "fewer ports, bridges or host bridges, or smaller bus reservations (256 buses at most)"))
        }
    }
}

extension TopologyRules.BusKind {
    var isHostBridge: Bool {
        if case .hostBridge = self { true } else { false }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
