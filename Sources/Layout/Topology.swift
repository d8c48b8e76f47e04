import VMConfig

/// Who sits where: the PCI tree as the description builds it. Bus 0 holds endpoints and bridges;
/// every bridge holds the endpoints and bridges of its secondary bus, to any depth. Addresses left
/// open are given here; bus numbers are given depth-first, each bridge's range holding its
/// subtree and its bus reservation.
struct Topology {
    struct Endpoint {
        var id: String
        var bdf: BDF
        var kind: FunctionKind
        var model: DeviceModel?
        var bars: [BARSpec]
        /// `placement = "identity"`: BAR index → the host address it keeps (empty: virtual).
        var identity: [Int: UInt64] = [:]
    }

    struct Bridge {
        var kind: FunctionKind
        var id: String
        var bdf: BDF
        var model: DeviceModel
        var hotplug: Bool
        /// The reservation as described (only ports have one).
        var reserve: Reservation
        /// Physical slot / chassis of a root or downstream port.
        var slotNumber: Int?
        var secondaryBus = 0
        var subordinateBus = 0
        var endpoints: [Endpoint] = []
        var bridges: [Bridge] = []

        /// A root or downstream port: a PCIe link with one device behind it, hot-plug capable.
        var isPort: Bool { kind == .rootPort || kind == .switchDownstream }
        /// Whether its secondary bus is conventional PCI (slots 1-31).
        var conventionalBus: Bool { kind.opensConventionalBus }
    }

    /// Bridges on bus 0, each the root of a subtree.
    var bridges: [Bridge]
    /// Endpoints on bus 0: integrated devices, libxl's devices and the ICH9 functions.
    var rootEndpoints: [Endpoint]

    init(_ config: MachineConfig) {
        var slots = BusZeroSlots(config)
        let integrated = (config.devices.filter { $0.bus == nil } + config.xenGuestDevices).map { device in
            let address = device.addr ?? slots.nextForEndpoint()
            return Endpoint(id: device.id, bdf: BDF(bus: 0, device: address.device, function: address.function),
                            kind: .endpoint, model: device.model(at: .rootBus), bars: device.effectiveBARs(at: .rootBus),
                            identity: device.identityAddresses)
        }
        let chipset = ChipsetFunctions.all.map {
            Endpoint(id: $0.id, bdf: BDF(bus: 0, device: $0.address.device, function: $0.address.function),
                     kind: .chipset, model: $0.model, bars: $0.model.bars)
        }
        var builder = TreeBuilder(config: config)
        let ports = config.rootPorts.enumerated().filter { $0.element.bus == nil }.map { index, port in
            (port.addr ?? slots.nextForPort(), builder.rootPort(port, slotNumber: index + 1))
        }
        let pciBridges = config.pciBridges.filter { $0.bus == nil }.map { bridge in
            (bridge.addr ?? slots.nextForPort(), builder.pciBridge(bridge))
        }
        let expanders = config.hostBridges.map { host in
            (host.addr ?? slots.nextForEndpoint(), builder.hostBridge(host))
        }
        var nextBus = 1
        bridges = (ports + pciBridges + expanders).sorted { $0.0 < $1.0 }.map { address, made in
            var bridge = made
            bridge.bdf = BDF(bus: 0, device: address.device, function: address.function)
            if bridge.kind == .hostBridge {
                // An expander's root bus is its bus_nr; its root ports number on from there.
                var next = bridge.secondaryBus
                Topology.number(&bridge, from: &next)
            } else {
                Topology.number(&bridge, from: &nextBus)
            }
            return bridge
        }
        rootEndpoints = (integrated + chipset).sorted { $0.bdf < $1.bdf }
    }

    /// Depth-first: the secondary bus first, then each child bridge's range in address order; the
    /// range is at least the bridge's bus reservation.
    static func number(_ bridge: inout Bridge, from next: inout Int) {
        bridge.secondaryBus = next
        next += 1
        for index in bridge.bridges.indices {
            bridge.bridges[index].bdf.bus = bridge.secondaryBus
            number(&bridge.bridges[index], from: &next)
        }
        for index in bridge.endpoints.indices { bridge.endpoints[index].bdf.bus = bridge.secondaryBus }
        let reserved = bridge.secondaryBus + max(1, bridge.reserve.buses ?? 1) - 1
        bridge.subordinateBus = max(next - 1, reserved)
        next = bridge.subordinateBus + 1
    }
}

/// Builds each bridge's subtree from the description: what names its id as `bus`, at the
/// addresses given or the next free ones (slot 0's functions behind a PCIe port, slots 1-31 on a
/// conventional bus). Bus numbers are filled in afterwards (`Topology.number`).
struct TreeBuilder {
    let config: MachineConfig
    /// Root ports take slot numbers 1...n; downstream ports continue from there.
    var nextSlotNumber: Int

    init(config: MachineConfig) {
        self.config = config
        nextSlotNumber = config.rootPorts.count + 1
    }

    mutating func rootPort(_ port: RootPort, slotNumber: Int) -> Topology.Bridge {
        var bridge = Topology.Bridge(kind: .rootPort, id: port.id, bdf: BDF(bus: 0, device: 0, function: 0),
                                     model: DeviceCatalog.rootPort, hotplug: port.hotplug, reserve: port.reserve,
                                     slotNumber: slotNumber)
        fillChildren(&bridge)
        return bridge
    }

    /// An expander: its root ports (`bus` = its id) at their slots on its root bus.
    mutating func hostBridge(_ described: HostBridge) -> Topology.Bridge {
        var bridge = Topology.Bridge(kind: .hostBridge, id: described.id, bdf: BDF(bus: 0, device: 0, function: 0),
                                     model: DeviceCatalog.pxbPCIe, hotplug: false, reserve: Reservation(), slotNumber: nil)
        bridge.secondaryBus = described.busNumber
        var used = Set(config.rootPorts.filter { $0.bus == described.id }.compactMap(\.addr))
        bridge.bridges = config.rootPorts.enumerated().filter { $0.element.bus == described.id }.map { index, port in
            var child = rootPort(port, slotNumber: index + 1)
            let address = port.addr ?? {
                let free = (0..<32).map { SlotAddress(device: $0, function: 0) }.first { !used.contains($0) }!
                used.insert(free)
                return free
            }()
            child.bdf = BDF(bus: described.busNumber, device: address.device, function: address.function)
            return child
        }.sorted { $0.bdf < $1.bdf }
        return bridge
    }

    mutating func pciBridge(_ described: PCIBridge) -> Topology.Bridge {
        var bridge = Topology.Bridge(kind: .pciBridge, id: described.id, bdf: BDF(bus: 0, device: 0, function: 0),
                                     model: described.model == .pciBridge ? DeviceCatalog.pciBridge : DeviceCatalog.pciePCIBridge,
                                     hotplug: false, reserve: Reservation(), slotNumber: nil)
        fillChildren(&bridge)
        return bridge
    }

    mutating func switchUpstream(_ described: Switch) -> Topology.Bridge {
        var upstream = Topology.Bridge(kind: .switchUpstream, id: described.id, bdf: BDF(bus: 0, device: 0, function: 0),
                                       model: DeviceCatalog.switchUpstream, hotplug: false, reserve: Reservation(), slotNumber: nil)
        var used = Set(described.downstream.compactMap(\.slot))
        upstream.bridges = described.downstream.map { port in
            let slot = port.slot ?? {
                let free = (0..<32).first { !used.contains($0) } ?? 0
                used.insert(free)
                return free
            }()
            var downstream = Topology.Bridge(kind: .switchDownstream, id: port.id, bdf: BDF(bus: 0, device: slot, function: 0),
                                             model: DeviceCatalog.switchDownstream, hotplug: port.hotplug,
                                             reserve: port.reserve, slotNumber: nextSlotNumber)
            nextSlotNumber += 1
            fillChildren(&downstream)
            return downstream
        }.sorted { $0.bdf < $1.bdf }
        return upstream
    }

    /// Everything whose `bus` is this bridge, each at its address on the secondary bus.
    mutating func fillChildren(_ bridge: inout Topology.Bridge) {
        let id = bridge.id
        let placement: Placement = bridge.conventionalBus ? .conventional : .rootPort
        let devices = config.devices.filter { $0.bus == id }
        let switches = config.switches.filter { $0.bus == id }
        let bridges = config.pciBridges.filter { $0.bus == id }
        var addresses = SecondaryBusSlots(conventional: bridge.conventionalBus,
                                          taken: devices.compactMap(\.addr) + bridges.compactMap(\.addr))
        bridge.endpoints = devices.map { device in
            let address = device.addr ?? addresses.next()
            return Topology.Endpoint(id: device.id, bdf: BDF(bus: 0, device: address.device, function: address.function),
                                     kind: .endpoint, model: device.model(at: placement), bars: device.effectiveBARs(at: placement),
                                     identity: device.identityAddresses)
        }.sorted { $0.bdf < $1.bdf }
        var children: [Topology.Bridge] = []
        for described in switches {
            var upstream = switchUpstream(described)
            let address = addresses.next()
            upstream.bdf = BDF(bus: 0, device: address.device, function: address.function)
            children.append(upstream)
        }
        for described in bridges {
            var child = pciBridge(described)
            let address = described.addr ?? addresses.next()
            child.bdf = BDF(bus: 0, device: address.device, function: address.function)
            children.append(child)
        }
        bridge.bridges = children.sorted { $0.bdf < $1.bdf }
    }
}

/// Free addresses on a bridge's secondary bus: behind a PCIe port only device 0 exists, so
/// functions of slot 0 are handed out; a conventional bus hands out slots 1-31, function 0.
struct SecondaryBusSlots {
    let conventional: Bool
    var taken: Set<SlotAddress>

    init(conventional: Bool, taken: [SlotAddress]) {
        self.conventional = conventional
        self.taken = Set(taken)
    }

    mutating func next() -> SlotAddress {
        let candidates = conventional
            ? (1...31).map { SlotAddress(device: $0, function: 0) }
            : (0..<8).map { SlotAddress(device: 0, function: $0) }
        let free = candidates.first { candidate in
            conventional ? !taken.contains { $0.device == candidate.device } : !taken.contains(candidate)
        } ?? candidates[0]  // the decoder has checked there is room
        taken.insert(free)
        return free
    }
}

extension Device {
    /// The catalog model as plugged at `placement`, for a device that names one.
    func model(at placement: Placement) -> DeviceModel? {
        model.flatMap { DeviceCatalog.model(named: $0, placement: placement, size: size) } ?? hostModel
    }

    /// What the hardware presents at `placement`: the model's BARs, or the explicit ones with the ROM as bar 6.
    func effectiveBARs(at placement: Placement) -> [BARSpec] {
        if let model = model(at: placement) { return model.bars }
        return effectiveBARs
    }
}

/// Hands out free bus 0 addresses: endpoints from slot 01 upward, root ports from slot 10
/// upward (then wrapping), each on a slot of its own while free slots last, then packing
/// functions into slots (multi-function) as QEMU allows.
struct BusZeroSlots {
    private var taken: Set<SlotAddress>

    init(_ config: MachineConfig) {
        taken = Set(config.rootPorts.filter { $0.bus == nil }.compactMap(\.addr)
                    + config.devices.filter { $0.bus == nil }.compactMap(\.addr)
                    + config.pciBridges.filter { $0.bus == nil }.compactMap(\.addr)
                    + config.xenGuestDevices.compactMap(\.addr))
        for function in ChipsetFunctions.all { taken.insert(function.address) }
    }

    mutating func nextForEndpoint() -> SlotAddress {
        next(slotOrder: Array(BusZero.firstFreeSlot...BusZero.lastFreeSlot))
    }

    mutating func nextForPort() -> SlotAddress {
        next(slotOrder: Array(0x10...BusZero.lastFreeSlot) + Array(BusZero.firstFreeSlot..<0x10))
    }

    private mutating func next(slotOrder: [Int]) -> SlotAddress {
        guard let address = firstEmptySlot(slotOrder) ?? firstFreeFunction(slotOrder) else {
            // The decoder has checked that bus 0 has room for every port and endpoint.
            preconditionFailure("bus 0 is full; ConfigDecoder should have refused this")
        }
        taken.insert(address)
        return address
    }

    private func firstEmptySlot(_ slotOrder: [Int]) -> SlotAddress? {
        slotOrder.first { slot in (0..<8).allSatisfy { !taken.contains(SlotAddress(device: slot, function: $0)) } }
            .map { SlotAddress(device: $0, function: 0) }
    }

    /// A free function of a slot whose function 0 is in use, so Linux finds it.
    private func firstFreeFunction(_ slotOrder: [Int]) -> SlotAddress? {
        for slot in slotOrder where taken.contains(SlotAddress(device: slot, function: 0)) {
            if let function = (1..<8).first(where: { !taken.contains(SlotAddress(device: slot, function: $0)) }) {
                return SlotAddress(device: slot, function: function)
            }
        }
        return nil
    }
}
