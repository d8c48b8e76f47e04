import VMConfig

/// Who sits where: every function's address and every root port's bus range. Addresses left
/// open in the description are given here, bus numbers are given depth-first.
struct Topology {
    struct Endpoint {
        var id: String
        var bdf: BDF
        var kind: FunctionKind
        var model: DeviceModel?
        var bars: [BARSpec]
    }

    struct Port {
        var port: RootPort
        var address: SlotAddress
        var secondaryBus: Int
        var subordinateBus: Int
        var slotNumber: Int
        var children: [Endpoint]
    }

    var ports: [Port]
    /// Endpoints on bus 0: integrated devices and the ICH9 functions.
    var rootEndpoints: [Endpoint]
    var busCount: Int

    init(_ config: MachineConfig) {
        var slots = BusZeroSlots(config)
        let integrated = (config.devices.filter { $0.bus == nil } + config.xenGuestDevices).map { device in
            let address = device.addr ?? slots.nextForEndpoint()
            return Endpoint(id: device.id, bdf: BDF(bus: 0, device: address.device, function: address.function),
                            kind: .endpoint, model: device.catalogModel, bars: device.effectiveBARs)
        }
        let chipset = ChipsetFunctions.all.map {
            Endpoint(id: $0.id, bdf: BDF(bus: 0, device: $0.address.device, function: $0.address.function),
                     kind: .chipset, model: $0.model, bars: $0.model.bars)
        }
        let placed = config.rootPorts.enumerated().map { index, port in
            (index, port, port.addr ?? slots.nextForPort())
        }.sorted { $0.2 < $1.2 }
        var nextBus = 1
        ports = placed.map { index, port, address in
            let secondary = nextBus
            nextBus += port.reserve.buses ?? 1
            return Port(port: port, address: address, secondaryBus: secondary, subordinateBus: nextBus - 1,
                        slotNumber: index + 1, children: Topology.children(of: port, bus: secondary, in: config))
        }
        rootEndpoints = (integrated + chipset).sorted { $0.bdf < $1.bdf }
        busCount = nextBus
    }

    static func children(of port: RootPort, bus: Int, in config: MachineConfig) -> [Endpoint] {
        let devices = config.devices.filter { $0.bus == port.id }
        var used = Set(devices.compactMap { $0.addr?.function })
        return devices.map { device in
            let function = device.addr?.function ?? {
                let free = (0..<8).first { !used.contains($0) }!
                used.insert(free)
                return free
            }()
            return Endpoint(id: device.id, bdf: BDF(bus: bus, device: 0, function: function), kind: .endpoint,
                            model: device.catalogModel, bars: device.effectiveBARs)
        }.sorted { $0.bdf < $1.bdf }
    }
}

/// Hands out free bus 0 addresses: endpoints from slot 01 upward, root ports from slot 10
/// upward (then wrapping), each on a slot of its own while free slots last, then packing
/// functions into slots (multi-function) as QEMU allows.
struct BusZeroSlots {
    private var taken: Set<SlotAddress>

    init(_ config: MachineConfig) {
        taken = Set(config.rootPorts.compactMap(\.addr) + config.devices.filter { $0.bus == nil }.compactMap(\.addr)
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
