/// `[[switch]]`, `[[pci_bridge]]`, `[[host_bridge]]` (DESIGN.md, "Topology beyond root ports"):
/// each entry on its own; what spans entries is `TopologyRules`.
extension ConfigDecoder {
    static let switchKeys = ["id", "bus", "downstream"]
    static let downstreamKeys = ["id", "slot", "hotplug", "reserve"]
    static let pciBridgeKeys = ["id", "model", "bus", "addr"]
    static let hostBridgeKeys = ["id", "bus_nr", "addr", "numa_node"]

    /// A switch's internal bus has 32 device numbers, one downstream port on each.
    public static let downstreamSlots = 0...31
    /// pxb-pcie's `bus_nr`: bus 0 is PCI0's.
    public static let busNumberRange = 1...255
    /// QEMU's MAX_NODES is 128.
    public static let numaNodeRange = 0...127

    static let deviceAddressAccepted = "\"DD.F\": a hex device and a function 0-7: 01-1e on bus 0 (e.g. \"10.0\"), \"0.F\" behind a root or downstream port, 01-1f behind a PCI bridge"

    /// A switch with the readers of its downstream ports, for checks that point at one of them.
    struct DecodedSwitch {
        var value: Switch
        var ports: [Located<DownstreamPort>]
    }

    static func decodeSwitch(_ reader: FieldReader, index: Int) -> DecodedSwitch? {
        let id = decodeID(reader)
        let busAccepted = "the id of a root port or of a switch's downstream port"
        let bus = reader.string("bus", accepted: busAccepted)
        if reader.node("bus") == nil { reader.reportMissing("bus", accepted: busAccepted) }
        var ports: [Located<DownstreamPort>] = []
        let portsAccepted = "1 to 32 inline tables such as { id = \"sw1d0\", hotplug = true }"
        if reader.node("downstream") == nil {
            reader.reportMissing("downstream", accepted: portsAccepted)
        } else if let items = reader.array("downstream") {
            if items.isEmpty || items.count > downstreamSlots.count {
                reader.diagnostics.report(reader.field("downstream"), reader.node("downstream"),
                                          problem: items.isEmpty ? "a switch without downstream ports holds nothing"
                                              : "has \(items.count) downstream ports; a switch's internal bus has 32 device numbers",
                                          accepted: portsAccepted)
            }
            for (portIndex, item) in items.enumerated() {
                let path = reader.field("downstream") + "[\(portIndex)]"
                guard case .table(let table) = item.value else {
                    reader.diagnostics.report(path, item, problem: "must be a table, not \(item.value.typeName)", accepted: portsAccepted)
                    continue
                }
                let portReader = FieldReader(table, path: path, location: item.location ?? reader.location,
                                             diagnostics: reader.diagnostics, knownKeys: downstreamKeys)
                if let port = decodeDownstreamPort(portReader) {
                    ports.append(Located(value: port, reader: portReader))
                }
            }
        }
        guard let id, let bus else { return nil }
        return DecodedSwitch(value: Switch(id: id, bus: bus, downstream: ports.map(\.value)), ports: ports)
    }

    static func decodeDownstreamPort(_ reader: FieldReader) -> DownstreamPort? {
        let id = decodeID(reader)
        let slot = reader.integer("slot", in: downstreamSlots,
                                  accepted: "a device number 0 to 31 on the switch's internal bus (given in order when omitted)")
        let hotplug = reader.bool("hotplug") ?? false
        let reserve = decodeReservation(reader, hotplug: hotplug)
        guard let id else { return nil }
        return DownstreamPort(id: id, slot: slot, hotplug: hotplug, reserve: reserve)
    }

    static func decodePCIBridge(_ reader: FieldReader, index: Int) -> PCIBridge? {
        let id = decodeID(reader)
        // A model refused is read as pci-bridge, which may sit wherever either may: the bridge's
        // id stays known, so what names it as its bus is not refused as well.
        let model = reader.node("model") == nil ? .pciePCIBridge : decodeEnum(reader, "model", PCIBridgeModel.self) ?? .pciBridge
        let bus = reader.string("bus", accepted: "the id of a root port, a downstream port or (for model = \"pci-bridge\") a PCI bridge, or no bus key for bus 0")
        let addr = decodeAddress(reader, accepted: deviceAddressAccepted)
        guard let id else { return nil }
        return PCIBridge(id: id, model: model, bus: bus, addr: addr)
    }

    static func decodeHostBridge(_ reader: FieldReader, index: Int) -> HostBridge? {
        let id = decodeID(reader)
        let busAccepted = "the first bus number of its range, 1 to 255 (below ecam.buses)"
        let busNumber = reader.integer("bus_nr", in: busNumberRange, accepted: busAccepted)
        if reader.node("bus_nr") == nil { reader.reportMissing("bus_nr", accepted: busAccepted) }
        let addr = decodeAddress(reader, accepted: busZeroAddressAccepted)
        let numaNode = reader.integer("numa_node", in: numaNodeRange, accepted: "a NUMA node number 0 to 127")
        guard let id, let busNumber else { return nil }
        return HostBridge(id: id, busNumber: busNumber, addr: addr, numaNode: numaNode)
    }
}
