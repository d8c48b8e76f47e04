import Foundation
import TestSupport
import Testing
import VMConfig

/// `[[switch]]`, `[[pci_bridge]]`, `[[host_bridge]]`, `root_port.bus` and the rules of the tree
/// beyond root ports (DESIGN.md, "Topology beyond root ports"), each refusal with its exact message.
@Suite("PCIe tree") struct TreeTopologyTests: DescriptionDecoding {
    static let m: UInt64 = 1 << 20


    static let tree = """
        memory = "2G"

        [[host_bridge]]
        id = "pxb1"
        bus_nr = 128
        addr = "8.0"
        numa_node = 1

        [[root_port]]
        id = "rp1"
        addr = "10.0"

        [[root_port]]
        id = "rp2"

        [[root_port]]
        id = "rp3"
        bus = "pxb1"
        addr = "0.0"

        [[switch]]
        id = "sw1"
        bus = "rp1"
        downstream = [
          { id = "sw1d0", hotplug = true, reserve = { bus = 3, mem = "2M" } },
          { id = "sw1d1", slot = 5 },
        ]

        [[pci_bridge]]
        id = "br1"
        bus = "rp2"

        [[pci_bridge]]
        id = "br2"
        model = "pci-bridge"
        bus = "br1"
        addr = "3.0"

        [[pci_bridge]]
        id = "br0"

        [[device]]
        id = "nic0"
        model = "e1000e"
        bus = "sw1d0"
        addr = "0.0"

        [[device]]
        id = "disk0"
        model = "virtio-blk-pci"
        bus = "br2"
        addr = "1f.0"

        [[device]]
        id = "disk1"
        model = "virtio-blk-pci"
        bus = "br1"

        """

    static let treeJSON = """
        {
          "memory": "2G",
          "host_bridge": [ { "id": "pxb1", "bus_nr": 128, "addr": "8.0", "numa_node": 1 } ],
          "root_port": [
            { "id": "rp1", "addr": "10.0" },
            { "id": "rp2" },
            { "id": "rp3", "bus": "pxb1", "addr": "0.0" }
          ],
          "switch": [
            { "id": "sw1", "bus": "rp1", "downstream": [
                { "id": "sw1d0", "hotplug": true, "reserve": { "bus": 3, "mem": "2M" } },
                { "id": "sw1d1", "slot": 5 }
            ] }
          ],
          "pci_bridge": [
            { "id": "br1", "bus": "rp2" },
            { "id": "br2", "model": "pci-bridge", "bus": "br1", "addr": "3.0" },
            { "id": "br0" }
          ],
          "device": [
            { "id": "nic0", "model": "e1000e", "bus": "sw1d0", "addr": "0.0" },
            { "id": "disk0", "model": "virtio-blk-pci", "bus": "br2", "addr": "1f.0" },
            { "id": "disk1", "model": "virtio-blk-pci", "bus": "br1" }
          ]
        }
        """

    // MARK: - Decoding

    @Test("a whole tree decodes: switches, PCI bridges, host bridges, root_port.bus, devices behind them")
    func decodesTheTree() throws {
        let config = try load(Self.tree)
        #expect(config.hostBridges == [HostBridge(id: "pxb1", busNumber: 128, addr: SlotAddress(device: 8, function: 0), numaNode: 1)])
        #expect(config.rootPorts.map(\.id) == ["rp1", "rp2", "rp3"])
        #expect(config.rootPorts.map(\.bus) == [nil, nil, "pxb1"])
        #expect(config.rootPorts[2].addr == SlotAddress(device: 0, function: 0))
        #expect(config.switches == [Switch(id: "sw1", bus: "rp1", downstream: [
            DownstreamPort(id: "sw1d0", hotplug: true, reserve: Reservation(buses: 3, mem: 2 * Self.m)),
            DownstreamPort(id: "sw1d1", slot: 5),
        ])])
        #expect(config.pciBridges == [
            PCIBridge(id: "br1", model: .pciePCIBridge, bus: "rp2"),
            PCIBridge(id: "br2", model: .pciBridge, bus: "br1", addr: SlotAddress(device: 3, function: 0)),
            PCIBridge(id: "br0"),
        ])
        #expect(config.devices.map(\.bus) == ["sw1d0", "br2", "br1"])
        #expect(config.devices[1].addr == SlotAddress(device: 0x1f, function: 0))
    }

    @Test("JSON with the same keys decodes to the same tree")
    func jsonIsTheSame() throws {
        let toml = try load(Self.tree)
        let json = try load(Self.treeJSON, file: "vm.json")
        #expect(json.switches == toml.switches)
        #expect(json.pciBridges == toml.pciBridges)
        #expect(json.hostBridges == toml.hostBridges)
        #expect(json.rootPorts == toml.rootPorts)
        #expect(json.devices == toml.devices)
    }

    @Test("the default VM has no tree beyond root ports, and every example decodes")
    func defaultAndExamplesUnchanged() throws {
        let config = DefaultVM.config()
        #expect(config.switches.isEmpty && config.pciBridges.isEmpty && config.hostBridges.isEmpty)
        #expect(config.rootPorts.allSatisfy { $0.bus == nil })
        #expect(config.rootPorts.map(\.id) == ["rp1", "rp2", "rp3", "rp4"])
        let names = Repository.exampleNames
        #expect(names.count >= 6)
        for name in names {
            let file = Repository.exampleConfig(name)
            let example = try load(String(contentsOf: file, encoding: .utf8), file: file.path)
            // Only the tree examples hold switches, bridges or expanders.
            let tree = ["switch-tree", "pci-bridges", "expander"].contains(name)
            #expect(tree != (example.switches.isEmpty && example.pciBridges.isEmpty && example.hostBridges.isEmpty), "\(name)")
        }
    }

    @Test("a downstream port takes the root port's reservation rules and hot-plug warning")
    func downstreamReservations() throws {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "d0", hotplug = true, reserve = { mem = "0", io = "5K" } } ]
            """) == [
            "vm.toml:7: switch[0].downstream[0].reserve.io = \"5K\": is not a usable window size; accepted: 0 (no window planned: Linux opens one itself) or a multiple of 4K up to 64K",
            "vm.toml:7: switch[0].downstream[0].reserve.mem = \"0\": closes the window of a hot-pluggable port, which Linux then opens and places itself (\"bridge window ...: assigned\"), so the plan would not hold; accepted: a multiple of 1M from 1M up to 2G on a hot-pluggable port, or hotplug = false",
        ])
        let config = try load("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "d0", hotplug = true, reserve = { io = "0" } } ]
            """)
        #expect(config.switches[0].downstream[0].reserve == Reservation(io: 0))
        #expect(config.descriptionWarnings.count == 1)
        #expect(config.descriptionWarnings.first?.hasPrefix("downstream port d0 is hot-pluggable with reserve.io = \"0\"") == true)
    }

    @Test("unknown keys in every new table are refused, with a suggestion")
    func unknownKeys() {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            ports = 2
            downstream = [ { id = "d0", hotplg = true } ]
            [[pci_bridge]]
            id = "br1"
            addr = "3.0"
            chassis = 1
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 128
            numa = 0
            """) == [
            "vm.toml:16: host_bridge[0].numa: unknown key; accepted: did you mean \"numa_node\"? the keys id, bus_nr, addr, numa_node",
            "vm.toml:7: switch[0].ports: unknown key; accepted: the keys id, bus, downstream",
            "vm.toml:8: switch[0].downstream[0].hotplg: unknown key; accepted: did you mean \"hotplug\"? the keys id, slot, hotplug, reserve",
            "vm.toml:12: pci_bridge[0].chassis: unknown key; accepted: the keys id, model, bus, addr",
        ])
    }

    @Test("required keys, an empty switch, an unknown bridge model")
    func requiredKeys() {
        #expect(errors("""
            memory = "2G"
            [[switch]]
            id = "sw1"
            [[switch]]
            id = "sw2"
            bus = "rp1"
            downstream = []
            [[host_bridge]]
            id = "pxb1"
            [[pci_bridge]]
            id = "br1"
            model = "i82801b11-bridge"
            """) == [
            "vm.toml:8: host_bridge[0].bus_nr: is required; accepted: the first bus number of its range, 1 to 255 (below ecam.buses)",
            "vm.toml:2: switch[0].bus: is required; accepted: the id of a root port or of a switch's downstream port",
            "vm.toml:2: switch[0].downstream: is required; accepted: 1 to 32 inline tables such as { id = \"sw1d0\", hotplug = true }",
            "vm.toml:7: switch[1].downstream = []: a switch without downstream ports holds nothing; accepted: 1 to 32 inline tables such as { id = \"sw1d0\", hotplug = true }",
            "vm.toml:12: pci_bridge[0].model = \"i82801b11-bridge\": is not a known value; accepted: \"pcie-pci-bridge\" or \"pci-bridge\"",
            "vm.toml:6: switch[1].bus = \"rp1\": names no root port or downstream port; accepted: the id of a root port or downstream port (there is none yet: add a [[root_port]])",
        ])
    }

    @Test("ids are unique across host bridges, ports, switches, downstream ports, bridges and devices")
    func uniqueIDs() {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "rp1" }, { id = "sw1" } ]
            """) == [
            "vm.toml:7: switch[0].downstream[0].id = \"rp1\": duplicate id: root_port[0] at line 2 has it already; accepted: an id used once",
            "vm.toml:7: switch[0].downstream[1].id = \"sw1\": duplicate id: switch[0] at line 4 has it already; accepted: an id used once",
        ])
    }

    // MARK: - Loops

    @Test("a switch behind its own downstream port, switches behind each other, bridges behind each other")
    func loops() {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "sw1d0"
            downstream = [ { id = "sw1d0" }, { id = "sw1d1" } ]
            [[switch]]
            id = "sw2"
            bus = "sw3d0"
            downstream = [ { id = "sw2d0" } ]
            [[switch]]
            id = "sw3"
            bus = "sw2d0"
            downstream = [ { id = "sw3d0" } ]
            [[pci_bridge]]
            id = "br1"
            model = "pci-bridge"
            bus = "br2"
            [[pci_bridge]]
            id = "br2"
            model = "pci-bridge"
            bus = "br1"
            """) == [
            "vm.toml:6: switch[0].bus = \"sw1d0\": makes a loop: \"sw1\" is behind \"sw1d0\" of \"sw1\" itself; nothing in the loop reaches a host bridge; accepted: a root port, or a downstream port that is not behind \"sw1\"",
            "vm.toml:10: switch[1].bus = \"sw3d0\": makes a loop: \"sw2\" is behind \"sw3d0\" of \"sw3\", which is behind \"sw2d0\" of \"sw2\"; nothing in the loop reaches a host bridge; accepted: a root port, or a downstream port that is not behind \"sw2\"",
            "vm.toml:19: pci_bridge[0].bus = \"br2\": makes a loop: \"br1\" is behind \"br2\", which is behind \"br1\"; nothing in the loop reaches a host bridge; accepted: no bus key (bus 0), a root port, a downstream port, or a PCI bridge that is not behind \"br1\"",
        ])
    }

    @Test("a bridge behind itself")
    func bridgeBehindItself() {
        #expect(errors("""
            memory = "2G"
            [[pci_bridge]]
            id = "br1"
            model = "pci-bridge"
            bus = "br1"
            """) == [
            "vm.toml:5: pci_bridge[0].bus = \"br1\": makes a loop: \"br1\" is behind \"br1\" itself; nothing in the loop reaches a host bridge; accepted: no bus key (bus 0), a root port, a downstream port, or a PCI bridge that is not behind \"br1\"",
        ])
    }

    // MARK: - Bus ids

    @Test("a bus id nothing has, with a suggestion")
    func unknownBus() {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp2"
            downstream = [ { id = "sw1d0" } ]
            [[pci_bridge]]
            id = "br1"
            bus = "sw1d1"
            [[device]]
            id = "n1"
            model = "nvme"
            bus = "sw1d"
            [[root_port]]
            id = "rp9"
            bus = "pxb"
            """) == [
            "vm.toml:17: root_port[1].bus = \"pxb\": names no host bridge; accepted: no bus key (there is no [[host_bridge]]): the root port is then on PCI0's bus 0",
            "vm.toml:6: switch[0].bus = \"rp2\": names no root port or downstream port; accepted: did you mean \"rp1\"? a root port or downstream port id: \"rp1\", \"sw1d0\", \"rp9\"",
            "vm.toml:10: pci_bridge[0].bus = \"sw1d1\": names no root port or downstream port; accepted: did you mean \"sw1d0\"? a root port or downstream port id: \"rp1\", \"sw1d0\", \"rp9\", or no bus key for bus 0",
            "vm.toml:14: device[0].bus = \"sw1d\": names no root port, downstream port or PCI bridge; accepted: did you mean \"sw1d0\"? a root port, downstream port or PCI bridge id: \"rp1\", \"sw1d0\", \"rp9\", \"br1\", or no bus key for bus 0",
        ])
    }

    @Test("a bus id of the wrong kind")
    func wrongKindOfBus() {
        #expect(errors("""
            memory = "2G"
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 128
            [[root_port]]
            id = "rp1"
            [[root_port]]
            id = "rp2"
            bus = "rp1"
            [[pci_bridge]]
            id = "br1"
            bus = "rp1"
            [[switch]]
            id = "sw1"
            bus = "br1"
            downstream = [ { id = "sw1d0" } ]
            [[device]]
            id = "n1"
            model = "nvme"
            bus = "pxb1"
            [[device]]
            id = "n2"
            model = "nvme"
            bus = "sw1"
            [[pci_bridge]]
            id = "br2"
            bus = "br1"
            """) == [
            "vm.toml:9: root_port[1].bus = \"rp1\": names a root port, which cannot hold it; accepted: a host bridge id: \"pxb1\", or no bus key for PCI0's bus 0",
            "vm.toml:15: switch[0].bus = \"br1\": names a PCI bridge (pcie-pci-bridge), whose bus is conventional PCI: a switch's upstream port is a PCI Express device and needs a PCIe port's link; accepted: a root port or downstream port id: \"rp1\", \"rp2\", \"sw1d0\"",
            "vm.toml:27: pci_bridge[1].bus = \"br1\": names a PCI bridge (pcie-pci-bridge), whose bus is conventional PCI, and a pcie-pci-bridge is a PCI Express device; accepted: a root port or downstream port id (\"rp1\", \"rp2\", \"sw1d0\"), no bus key for bus 0, or model = \"pci-bridge\" (a PCI-to-PCI bridge) behind \"br1\"",
            "vm.toml:20: device[0].bus = \"pxb1\": names a host bridge, which cannot hold it; accepted: a root port, downstream port or PCI bridge id: \"rp1\", \"rp2\", \"sw1d0\", \"br1\", \"br2\", or no bus key for bus 0",
            "vm.toml:24: device[1].bus = \"sw1\": names a switch, which cannot hold it; accepted: one of its downstream ports: \"sw1d0\"",
        ])
    }

    @Test("an endpoint-only model behind a PCI bridge; conventional models are welcome there")
    func pcieOnlyBehindABridge() throws {
        let text = """
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[pci_bridge]]
            id = "br1"
            bus = "rp1"
            [[device]]
            id = "n1"
            model = "e1000e"
            bus = "br1"
            """
        let conventional = DeviceCatalog.endpointModels.filter { !DeviceCatalog.isPCIeOnly($0) }
        #expect(errors(text) == [
            "vm.toml:10: device[0].bus = \"br1\": names a PCI bridge (pcie-pci-bridge), whose bus is conventional PCI, and e1000e is a PCI Express endpoint only; accepted: a root port or downstream port id for e1000e (\"rp1\"), or a conventional model behind \"br1\": " + conventional.joined(separator: ", "),
        ])
        #expect(DeviceCatalog.isPCIeOnly("e1000e"))
        #expect(try load(text.replacingOccurrences(of: "e1000e", with: "virtio-net-pci")).devices[0].bus == "br1")
    }

    @Test("a switch's upstream port takes its port's link alone")
    func switchTakesTheLink() {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "d0" }, { id = "d1" } ]
            [[device]]
            id = "n1"
            model = "nvme"
            bus = "rp1"
            """) == [
            "vm.toml:11: device[0].bus = \"rp1\": \"rp1\" holds the upstream port of switch \"sw1\", which takes the port's link (device 0) alone; accepted: a bus other than \"rp1\", e.g. a downstream port of \"sw1\": \"d0\", \"d1\"",
        ])
    }

    // MARK: - Addresses

    @Test("slots per bus kind: 0 behind a PCIe port, 01-1f on a conventional bus; each address once; function 0 first")
    func addresses() {
        #expect(errors("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "sw1d0" }, { id = "sw1d1", slot = 4 }, { id = "sw1d2", slot = 4 } ]
            [[pci_bridge]]
            id = "br1"
            bus = "sw1d1"
            [[pci_bridge]]
            id = "br2"
            model = "pci-bridge"
            bus = "br1"
            addr = "5.0"
            [[device]]
            id = "n1"
            model = "virtio-net-pci"
            bus = "br1"
            addr = "5.0"
            [[device]]
            id = "n2"
            model = "virtio-net-pci"
            bus = "br2"
            addr = "0.0"
            [[device]]
            id = "n3"
            model = "nvme"
            bus = "sw1d0"
            addr = "1.0"
            [[device]]
            id = "n4"
            model = "nvme"
            bus = "sw1d0"
            addr = "0.2"
            [[device]]
            id = "n5"
            model = "virtio-blk-pci"
            bus = "br2"
            addr = "7.1"
            """) == [
            "vm.toml:7: switch[0].downstream[2].slot = 4: two downstream ports on one slot: switch[0].downstream[1] is at slot 4 of \"sw1\"'s internal bus already; accepted: a free device number 0 to 31, or no slot key",
            "vm.toml:20: device[0].addr = \"5.0\": two functions on one address: pci_bridge[1] is at 05.0 on \"br1\" already; accepted: a free device.function",
            "vm.toml:25: device[1].addr = \"0.0\": slot 00 of \"br2\"'s conventional bus is not usable: QEMU's standard hot-plug controller (SHPC) of pci-bridge and pcie-pci-bridge serves slots 01-1f and refuses a device in slot 00; accepted: \"DD.F\" with DD from 01 to 1f and F from 0 to 7",
            "vm.toml:30: device[2].addr = \"1.0\": \"sw1d0\" is a downstream port, whose link reaches device 0 only (Linux scans no other device behind a PCIe port; QEMU: \"parent device only allows plugging into slot 0\"); accepted: \"0.F\" with F from 0 to 7",
            "vm.toml:35: device[3].addr = \"0.2\": function 2 of slot 00 without a function 0 there behind \"sw1d0\": Linux would never find it; accepted: an address with function 0 also given explicitly in that slot",
            "vm.toml:40: device[4].addr = \"7.1\": function 1 of slot 07 without a function 0 there behind \"br2\": Linux would never find it; accepted: an address with function 0 also given explicitly in that slot",
        ])
    }

    @Test("several functions of one slot on a conventional bus and behind a downstream port")
    func multiFunction() throws {
        let config = try load("""
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "d0" } ]
            [[pci_bridge]]
            id = "br1"
            [[device]]
            id = "a"
            model = "virtio-net-pci"
            bus = "br1"
            addr = "1.0"
            [[device]]
            id = "b"
            model = "virtio-blk-pci"
            bus = "br1"
            addr = "1.1"
            [[device]]
            id = "c"
            model = "nvme"
            bus = "d0"
            addr = "0.0"
            [[device]]
            id = "d"
            model = "e1000e"
            bus = "d0"
            addr = "0.7"
            """)
        #expect(config.devices.map(\.addr) == [SlotAddress(device: 1, function: 0), SlotAddress(device: 1, function: 1),
                                               SlotAddress(device: 0, function: 0), SlotAddress(device: 0, function: 7)])
    }

    @Test("host bridges and their root ports share addresses with bus 0 and their own bus")
    func hostBridgeAddresses() {
        #expect(errors("""
            memory = "2G"
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 128
            addr = "5.0"
            [[root_port]]
            id = "rp1"
            addr = "5.0"
            [[root_port]]
            id = "rp2"
            bus = "pxb1"
            addr = "0.1"
            """) == [
            "vm.toml:8: root_port[0].addr = \"5.0\": two functions on one address: host_bridge[0] is at 05.0 on bus 0 already; accepted: a free device.function",
            "vm.toml:12: root_port[1].addr = \"0.1\": function 1 of slot 00 without a function 0 there on \"pxb1\"'s bus: Linux would never find it; accepted: an address with function 0 also given explicitly in that slot",
        ])
    }

    // MARK: - Capacity

    @Test("more than 32 downstream ports, 8 functions behind a port, 248 on a conventional bus")
    func capacity() {
        var lines = ["memory = \"2G\"", "[[root_port]]", "id = \"rp1\"", "[[root_port]]", "id = \"rp2\"",
                     "[[switch]]", "id = \"sw1\"", "bus = \"rp1\"",
                     "downstream = [" + (0..<33).map { "{ id = \"d\($0)\" }" }.joined(separator: ", ") + "]",
                     "[[pci_bridge]]", "id = \"br1\"", "bus = \"rp2\""]
        for i in 0..<9 { lines += ["[[device]]", "id = \"x\(i)\"", "model = \"nvme\"", "bus = \"d0\""] }
        for i in 0..<249 { lines += ["[[device]]", "id = \"c\(i)\"", "model = \"virtio-net-pci\"", "bus = \"br1\""] }
        #expect(errors(lines.joined(separator: "\n") + "\n") == [
            "vm.toml:9: switch[0].downstream = [...]: has 33 downstream ports; a switch's internal bus has 32 device numbers; accepted: 1 to 32 inline tables such as { id = \"sw1d0\", hotplug = true }",
            "vm.toml:45: device[8]: is the 9th function behind \"d0\"; a downstream port's link has one device of 8 functions; accepted: at most 8 devices behind one port",
            "vm.toml:1041: device[257]: is the 249th function on \"br1\"; a conventional PCI bus has 31 slots (01-1f) of 8 functions; accepted: at most 248 devices and bridges on one PCI bridge",
        ])
    }

    // MARK: - Bus numbers

    @Test("buses counted depth-first: a port takes its reserve.bus or what is behind it, whichever is more")
    func busDemand() throws {
        let config = try load("""
            memory = "2G"
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 64
            [[root_port]]
            id = "rp1"
            reserve = { bus = 2 }
            [[root_port]]
            id = "rp2"
            reserve = { bus = 10 }
            [[root_port]]
            id = "rp3"
            bus = "pxb1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "d0", reserve = { bus = 3 } }, { id = "d1" } ]
            [[switch]]
            id = "sw2"
            bus = "rp2"
            downstream = [ { id = "e0" } ]
            [[pci_bridge]]
            id = "br1"
            bus = "d1"
            [[pci_bridge]]
            id = "br2"
            model = "pci-bridge"
            bus = "br1"
            [[pci_bridge]]
            id = "br0"
            """)
        let demand = BusDemand(config)
        #expect(demand.buses(below: "br2") == 1)
        #expect(demand.buses(below: "br1") == 2)
        #expect(demand.buses(below: "d1") == 3)       // its bus and br1's two
        #expect(demand.buses(below: "d0") == 3)       // its reservation
        #expect(demand.buses(below: "sw1") == 7)      // internal bus + 3 + 3
        #expect(demand.buses(below: "rp1") == 8)      // more than its reserve.bus = 2
        #expect(demand.buses(below: "rp2") == 10)     // its reserve.bus: more than 1 + sw2's 2
        #expect(demand.buses(below: "br0") == 1)
        #expect(demand.buses(hostBridge: nil) == 1 + 8 + 10 + 1)
        #expect(demand.buses(hostBridge: "pxb1") == 2)
        #expect(demand.total == 22 && config.busesNeeded == 22)
        #expect(DefaultVM.config().busesNeeded == 5)
    }

    @Test("more buses in total than the ECAM holds")
    func ecamTotal() {
        #expect(errors("""
            memory = "2G"
            [ecam]
            buses = 64
            [[root_port]]
            id = "rp1"
            [[switch]]
            id = "sw1"
            bus = "rp1"
            downstream = [ { id = "d0", reserve = { bus = 32 } }, { id = "d1", reserve = { bus = 32 } } ]
            """) == [
            "vm.toml: ecam.buses = 64: bus 0 and the buses behind it need 67 bus numbers (each root or downstream port takes its reserve.bus, 1 when not given, or what is behind it if more; a switch's internal bus, a PCI bridge's bus and a host bridge's bus take 1 each); accepted: 128 or 256",
        ])
    }

    @Test("bus_nr: past the ECAM, twice the same, inside PCI0's buses")
    func busNumberOverlaps() {
        #expect(errors("""
            memory = "2G"
            [ecam]
            buses = 64
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 2
            [[host_bridge]]
            id = "pxb2"
            bus_nr = 2
            [[host_bridge]]
            id = "pxb3"
            bus_nr = 64
            [[root_port]]
            id = "rp1"
            [[root_port]]
            id = "rp2"
            reserve = { bus = 2 }
            """) == [
            "vm.toml:9: host_bridge[1].bus_nr = 2: overlaps host_bridge[0]'s buses (\"pxb1\"), which start at 2 too; accepted: a bus_nr at which no other host bridge's range starts",
            "vm.toml:12: host_bridge[2].bus_nr = 64: is past the ECAM's last bus (63 with ecam.buses = 64); accepted: a bus number from 4 to 63, or a larger ecam.buses",
            "vm.toml:6: host_bridge[0].bus_nr = 2: overlaps PCI0's buses: bus 0 and what is behind it need 4 buses (0-3), and PCI0's range ends below the lowest bus_nr; accepted: a bus_nr from 4 to 63",
        ])
    }

    @Test("a host bridge whose root ports need more buses than its range holds")
    func hostBridgeRanges() {
        #expect(errors("""
            memory = "2G"
            [ecam]
            buses = 64
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 16
            [[host_bridge]]
            id = "pxb2"
            bus_nr = 32
            [[root_port]]
            id = "rp1"
            bus = "pxb1"
            reserve = { bus = 20 }
            [[root_port]]
            id = "rp2"
            bus = "pxb2"
            reserve = { bus = 40 }
            """) == [
            "vm.toml:6: host_bridge[0].bus_nr = 16: \"pxb1\"'s bus and what is behind it need 21 buses (16-36), which overlaps host_bridge[1]'s buses (\"pxb2\", from its bus_nr 32); accepted: a range of at least 21 buses before the next host bridge's bus_nr (at least 37 there), or fewer buses behind \"pxb1\"",
            "vm.toml:9: host_bridge[1].bus_nr = 32: \"pxb2\"'s bus and what is behind it need 41 buses (32-72), more than its range 32-63 holds (it ends at the ECAM's last bus with ecam.buses = 64); accepted: a range of at least 41 buses: a lower bus_nr, a larger ecam.buses, or fewer buses behind \"pxb2\"",
        ])
    }

    @Test("host bridge ranges that hold their trees are accepted, in any order in the file")
    func hostBridgeRangesFit() throws {
        let config = try load("""
            memory = "2G"
            [ecam]
            buses = 64
            [[host_bridge]]
            id = "pxb2"
            bus_nr = 40
            [[host_bridge]]
            id = "pxb1"
            bus_nr = 8
            [[root_port]]
            id = "rp0"
            reserve = { bus = 7 }
            [[root_port]]
            id = "rp1"
            bus = "pxb1"
            reserve = { bus = 31 }
            [[root_port]]
            id = "rp2"
            bus = "pxb2"
            reserve = { bus = 23 }
            """)
        #expect(config.busesNeeded == 64)
        #expect(config.hostBridges.map(\.busNumber) == [40, 8])
    }
}
