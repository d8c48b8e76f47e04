import Layout
import Testing
import VMConfig
import VMCorpus

/// Random trees (RandomTreeTests) with some endpoints turned into identity-placed passthrough
/// devices at random host addresses: memory BARs anywhere from 0xC0000000 to 2^41 (so some land
/// on the ECAM, the chipset, RAM, each other or past phys_bits 40) and I/O BARs anywhere in the
/// 64K of ports. Each VM, under both policies, must either plan with every identity BAR at its
/// address and every invariant held, or fail with an identity conflict whose two named ranges
/// really overlap (or whose resource really lies outside every window it names).
///
/// The identity devices are made here as MachineConfig values, not written as TOML: the decoder
/// takes identity addresses only from sysfs (`host`), which a random description has none of.
@Suite("random identity placement")
struct RandomIdentityTests {
    struct Outcomes {
        var planned = 0, conflicts = 0, otherErrors: [String] = [], failures: [String] = []
    }

    /// A passthrough device with 1-3 random BARs, each at a random naturally aligned address.
    static func identityDevice(id: String, bus: String?, rng: inout SplitMix64) -> Device {
        func pow2(_ range: ClosedRange<Int>) -> UInt64 { UInt64(1) << UInt64(Int.random(in: range, using: &rng)) }
        func aligned(_ size: UInt64, in range: ClosedRange<UInt64>) -> UInt64 {
            UInt64.random(in: range, using: &rng) / size * size
        }
        var bars: [BARSpec] = []
        var identity: [Int: UInt64] = [:]
        var register = 0
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            switch Int.random(in: 0...9, using: &rng) {
            case 0...4:
                let size = pow2(12...24)
                bars.append(BARSpec(index: register, kind: .mem32, size: size))
                identity[register] = aligned(size, in: 0xC000_0000...0xFFFF_FFFF)
                register += 1
            case 5...8:
                let size = pow2(20...34)
                bars.append(BARSpec(index: register, kind: .mem64, size: size, prefetchable: true))
                identity[register] = aligned(size, in: (1 << 32)...(1 << 41))
                register += 2
            default:
                let size = pow2(2...8)
                bars.append(BARSpec(index: register, kind: .io, size: size))
                identity[register] = aligned(size, in: 0...0xFFFF)
                register += 1
            }
        }
        var device = Device(id: id, bus: bus, passthrough: "0000:65:00.0", bars: bars)
        device.identityAddresses = identity
        return device
    }

    static func make(seed: UInt64) throws -> MachineConfig {
        var config = try ConfigLoader.load(text: RandomVM.toml(RandomTreeTests.make(seed: seed)), file: "tree.toml", format: .toml)
        var rng = SplitMix64(seed: seed ^ 0x1DE7_1717)
        // Some PCIe endpoints become identity devices; one or two more on bus 0.
        for index in config.devices.indices where config.devices[index].model != nil && Int.random(in: 0...9, using: &rng) < 2
            && !config.pciBridges.contains(where: { $0.id == config.devices[index].bus }) {
            config.devices[index] = identityDevice(id: config.devices[index].id, bus: config.devices[index].bus, rng: &rng)
        }
        for number in 0..<Int.random(in: 0...2, using: &rng) {
            config.devices.append(identityDevice(id: "id\(number)", bus: nil, rng: &rng))
        }
        return config
    }

    static let seeds: [UInt64] = (0..<300).map { 0x1DE0_0000 &+ UInt64($0) &* 0x9E37_79B9 }

    @Test func identityBARsEndAtTheirAddressOrGiveANamedConflict() throws {
        var outcomes = Outcomes()
        for seed in Self.seeds {
            let config = try Self.make(seed: seed)
            guard config.devices.contains(where: { !$0.identityAddresses.isEmpty }) else { continue }
            for policy in PlacementPolicy.allCases {
                var variant = config
                variant.ecam.policy = policy
                do {
                    let plan = try Planner.plan(variant)
                    outcomes.planned += 1
                    let violations = InvariantChecks.check(plan, variant)
                    if !violations.isEmpty { outcomes.failures.append("seed \(hex(seed)) \(policy): \(violations.prefix(5))") }
                } catch {
                    guard case .identityConflict(_, let range, let problem) = error else {
                        outcomes.otherErrors.append("seed \(hex(seed)) \(policy): \(error)")
                        continue
                    }
                    outcomes.conflicts += 1
                    let (violations, _) = InvariantChecks.checkIdentityConflict(variant, range: range, problem: problem)
                    if !violations.isEmpty { outcomes.failures.append("seed \(hex(seed)) \(policy): \(violations)") }
                }
            }
        }
        #expect(outcomes.failures.isEmpty, Comment(rawValue: outcomes.failures.prefix(3).joined(separator: "\n\n")))
        // A VM whose identity BARs leave no room for the rest may find no layout at all; that
        // must stay rare, and it is not an identity conflict in disguise.
        #expect(outcomes.otherErrors.count * 20 <= outcomes.planned + outcomes.conflicts,
                Comment(rawValue: outcomes.otherErrors.prefix(3).joined(separator: "\n")))
        // Not vacuous: both outcomes occur often.
        #expect(outcomes.planned >= 50 && outcomes.conflicts >= 50, "planned \(outcomes.planned), conflicts \(outcomes.conflicts)")
        print("random identity: \(outcomes.planned) planned, \(outcomes.conflicts) named conflicts, \(outcomes.otherErrors.count) other errors")
    }
}
