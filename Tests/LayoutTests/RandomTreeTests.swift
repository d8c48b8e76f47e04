import Layout
import Testing
import VMConfig
import VMCorpus

/// Random PCI trees: root ports on PCI0 and on up to two expanders, switches up to four levels
/// deep, PCI bridges with conventional buses (and PCI bridges on those), endpoints everywhere,
/// up to 64 bridges. Each is written as TOML and read back by the real decoder, then planned
/// under both policies and held to every invariant at every level.
@Suite("random trees")
struct RandomTreeTests {
    struct TreeDraw {
        var rng: SplitMix64
        var config: MachineConfig
        var count = 0
        var bridges = 0

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
        mutating func name(_ prefix: String) -> String { count += 1; return "\(prefix)\(count)" }

        static let pcieModels = ["nvme", "virtio-net-pci", "virtio-blk-pci", "e1000e", "ivshmem-plain"]
        static let conventionalModels = ["virtio-net-pci", "virtio-blk-pci", "virtio-scsi-pci"]

        /// What one PCIe port (root or downstream) holds: nothing, an endpoint, a switch or a
        /// pcie-pci-bridge.
        mutating func fillPort(_ port: String, depth: Int) {
            let roll = int(1...100)
            if roll <= 20 { return }
            if roll <= 30 && depth < 4 && bridges < 60 {
                let id = name("sw")
                let ports = (0..<int(1...3)).map { _ in DownstreamPort(id: name("d"), hotplug: chance(30)) }
                bridges += 1 + ports.count
                config.switches.append(Switch(id: id, bus: port, downstream: ports))
                for downstream in ports { fillPort(downstream.id, depth: depth + 1) }
            } else if roll <= 40 && depth < 4 && bridges < 62 {
                let id = name("br")
                bridges += 1
                config.pciBridges.append(PCIBridge(id: id, model: .pciePCIBridge, bus: port))
                fillConventional(id, depth: depth + 1)
            } else {
                let model = Self.pcieModels[int(0...Self.pcieModels.count - 1)]
                config.devices.append(Device(id: name("e"), model: model, bus: port, size: model == "ivshmem-plain" ? 1 << 20 : nil))
            }
        }

        /// A conventional bus: a few devices, sometimes a nested pci-bridge.
        mutating func fillConventional(_ bus: String, depth: Int) {
            for _ in 0..<int(0...3) {
                let model = Self.conventionalModels[int(0...Self.conventionalModels.count - 1)]
                config.devices.append(Device(id: name("c"), model: model, bus: bus))
            }
            if depth < 4 && bridges < 63 && chance(25) {
                let id = name("br")
                bridges += 1
                config.pciBridges.append(PCIBridge(id: id, model: .pciBridge, bus: bus))
                fillConventional(id, depth: depth + 1)
            }
        }
    }

    static func make(seed: UInt64) -> MachineConfig {
        var draw = TreeDraw(rng: SplitMix64(seed: seed), config: MachineConfig(
            name: "tree-" + String(seed, radix: 16), vmm: .qemu, memory: 2 << 30, vcpus: 1,
            ecam: ECAMConfig(policy: .hvmloader, buses: 256), rootPorts: [], devices: []))
        draw.config.vmm = draw.chance(30) ? .xen : .qemu
        draw.config.memory = UInt64(draw.int(1...4)) << 30
        let hosts = draw.int(0...2)
        draw.config.hostBridges = (0..<hosts).map { HostBridge(id: "pxb\($0)", busNumber: 128 + 64 * $0) }
        for host in [nil] + draw.config.hostBridges.map(\.id) {
            for _ in 0..<draw.int(host == nil ? 1...6 : 1...3) {
                let id = draw.name("rp")
                draw.bridges += 1
                draw.config.rootPorts.append(RootPort(id: id, bus: host, hotplug: draw.chance(30)))
                draw.fillPort(id, depth: 1)
            }
        }
        return draw.config
    }

    static let seeds: [UInt64] = (0..<400).map { 0x7EE0_0000 &+ UInt64($0) &* 0x9E37_79B9 }

    @Test func randomTreesHoldEveryInvariant() throws {
        var planned = 0, refused: [String] = [], failures: [String] = []
        for seed in Self.seeds {
            let described = Self.make(seed: seed)
            let text = RandomVM.toml(described)
            let config: MachineConfig
            do {
                config = try ConfigLoader.load(text: text, file: "tree.toml", format: .toml)
            } catch {
                refused.append("seed \(hex(seed)): \(error)\n\(text)")
                continue
            }
            #expect(config.switches.count == described.switches.count && config.pciBridges.count == described.pciBridges.count)
            for policy in PlacementPolicy.allCases {
                var variant = config
                variant.ecam.policy = policy
                guard let plan = try? Planner.plan(variant) else { continue }
                planned += 1
                let violations = InvariantChecks.check(plan, variant)
                if !violations.isEmpty { failures.append("seed \(hex(seed)) \(policy): \(violations.prefix(5))\n\(text)") }
            }
        }
        #expect(refused.isEmpty, Comment(rawValue: refused.prefix(2).joined(separator: "\n\n")))
        #expect(failures.isEmpty, Comment(rawValue: failures.prefix(2).joined(separator: "\n\n")))
        // Not vacuous: nearly every tree has a layout under both policies.
        #expect(planned >= Self.seeds.count * 3 / 2, "only \(planned) of \(Self.seeds.count * 2) plans")
    }
}
