#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Layout
import PropertyBased
import Testing
import VMConfig

/// Property-based tests of the planner: random VM descriptions (RandomVM) are planned and every
/// Plan is held to DESIGN.md's invariants and the policies' placement rules (InvariantChecks);
/// every LayoutError must be one whose reason really holds.
@Suite struct PlanInvariantTests {
    /// The fixed-seed sweep's size (the brief: at least 10,000 descriptions).
    static let descriptions = 10_000
    /// Fresh random descriptions per run for the PropertyBased check; GUESTFW_PROPERTY_COUNT
    /// raises it (the fixed-seed sweep already covers 10,000 on every run).
    static let freshDescriptions = getenv("GUESTFW_PROPERTY_COUNT").flatMap { Int(String(cString: $0)) } ?? 1_000
    /// Descriptions of the sweep that the decoder test reads back (every one when 1).
    static let decoderStride = 5

    /// The reproducible census: the same 10,000 descriptions on every run (seeds from
    /// `RandomVM.sweepSeed`), every failure kind collected, each shrunk to a small description
    /// and reported as TOML that `guestfw plan` reads as it is. The descriptions are shared out
    /// to one task per core; the result does not depend on how.
    @Test func fixedSeedDescriptionsSatisfyTheInvariants() async {
        let clock = ContinuousClock()
        let start = clock.now
        let workers = max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        let (census, failures) = await withTaskGroup(of: SweepPart.self) { group in
            for worker in 0..<workers {
                group.addTask { SweepPart.run(indices: Array(stride(from: worker, to: Self.descriptions, by: workers))) }
            }
            var whole = SweepPart()
            for await part in group { whole.merge(part) }
            return (whole.census, whole.failures)
        }
        let planningTime = clock.now - start
        print(census.report(title: "fixed-seed sweep (\(workers) tasks)", time: planningTime))

        #expect(census.planned > 0, "no random description was planned")
        #expect(census.impossible > 0, "no random description was impossible")
        #expect(census.total == Self.descriptions)

        for (tag, failure) in failures.sorted(by: { $0.key < $1.key }) {
            let minimal = RandomVM.shrink(failure.config, maxSteps: 300) { candidate in
                PlanProperty.evaluate(candidate, twice: tag.hasPrefix("7")).violations.contains { PlanProperty.tag($0) == tag }
            }
            let violations = PlanProperty.evaluate(minimal).violations.filter { PlanProperty.tag($0) == tag }
            Issue.record(Comment(rawValue: """
                [\(tag)] broken by \(failure.count) of \(Self.descriptions) random descriptions (smallest: seed 0x\(String(failure.seed, radix: 16))).
                Shrunk description:
                \(RandomVM.toml(minimal))
                Violations:
                \(violations.joined(separator: "\n"))
                """))
        }
        print("fixed-seed sweep: \(failures.count) invariant(s) broken; total time with shrinking \(clock.now - start)")
    }

    /// The same property driven by PropertyBased: fresh random seeds on every run, shrunk by
    /// RandomVM's decoder-checked shrinker when it fails (the failure names the seed to replay).
    @Test func randomDescriptionsSatisfyTheInvariants() async {
        let clock = ContinuousClock()
        let start = clock.now
        let census = CensusBox()
        var runs = 0
        await propertyCheck(count: Self.freshDescriptions, input: RandomVM.generator) { config in
            runs += 1
            #expect(RandomVM.decodes(config), "the decoder refuses:\n\(RandomVM.toml(config))")
            let evaluation = PlanProperty.evaluate(config, renderJSON: runs % 10 == 0)
            census.value.add(config, evaluation)
            #expect(evaluation.violations.isEmpty, Comment(rawValue: """
                \(evaluation.violations.joined(separator: "\n"))
                --- description ---
                \(RandomVM.toml(config))
                """))
        }
        print(census.value.report(title: "PropertyBased random seeds (with any shrinking runs)", time: clock.now - start))
        if census.value.failing == 0 && census.value.total >= 200 {
            #expect(census.value.planned > 0 && census.value.impossible > 0)
        }
    }

    /// The generator itself: descriptions of the sweep (one in `decoderStride`), given to the real
    /// decoder, come back as exactly the same MachineConfig, so the properties run on input the
    /// decoder accepts (the PropertyBased check decodes each of its own). One in 20 of these goes
    /// the whole way as TOML text (what failure reports print), the rest as the document tree the
    /// readers produce (decoding costs about as much as planning in a debug build).
    @Test func generatedDescriptionsAreAcceptedByTheDecoder() {
        var refused: [String] = []
        for index in stride(from: 0, to: Self.descriptions, by: Self.decoderStride) {
            let config = RandomVM.make(seed: RandomVM.sweepSeed(index))
            if let problem = RandomVM.decodeErrors(config, viaText: index % 100 == 0) {
                refused.append("seed 0x\(String(RandomVM.sweepSeed(index), radix: 16)): \(problem)\n\(RandomVM.toml(config))")
                if refused.count >= 3 { break }
            }
        }
        #expect(refused.isEmpty, Comment(rawValue: refused.joined(separator: "\n\n")))
    }

    /// The checks are not vacuous: a correct plan passes them, and each deliberate corruption of it
    /// is reported under the invariant it breaks.
    @Test func checksCatchCorruptedPlans() throws {
        let config = DefaultVM.config()
        let plan = try Planner.plan(config)
        #expect(InvariantChecks.check(plan, config) == [])

        func expectCaught(_ tagPrefix: String, _ corrupt: (inout Plan) -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
            var broken = plan
            corrupt(&broken)
            let violations = InvariantChecks.check(broken, config)
            #expect(violations.contains { PlanProperty.tag($0).hasPrefix(tagPrefix) },
                    Comment(rawValue: "expected a [\(tagPrefix)...] violation, got \(violations)"), sourceLocation: sourceLocation)
        }
        let disk = try #require(plan.functions.firstIndex { $0.id == "disk0" })
        let nic = try #require(plan.functions.firstIndex { $0.id == "nic0" })
        let rp1 = try #require(plan.functions.firstIndex { $0.id == "rp1" })
        let rp2 = try #require(plan.functions.firstIndex { $0.id == "rp2" })
        expectCaught("1 overlap") { p in
            let target = p.functions[rp1].bars[0].address!
            p.functions[disk].bars[1].address = target  // two bus 0 BARs on one page
        }
        expectCaught("1 overlap") { p in p.functions[rp2].windows!.mem = p.functions[rp1].windows!.mem }
        expectCaught("1 overlap") { p in p.functions[disk].bars[1].address = 0xFEC0_0000 }
        expectCaught("2 align") { p in p.functions[nic].bars.indices.forEach { i in
            if p.functions[nic].bars[i].kind == .mem64 { p.functions[nic].bars[i].address! += 0x1000 } } }
        expectCaught("3 containment") { p in p.functions[nic].bars[0].address = p.functions[rp2].windows!.mem!.start }
        expectCaught("3 granularity") { p in p.functions[rp1].windows!.mem!.size += 0x1000 }
        expectCaught("4 ecam") { p in p.e820.removeAll { $0.range == p.ecam!.range } }
        expectCaught("4 ecam") { p in p.ecam!.busEnd = 63 }
        expectCaught("5 mmio64 beyond phys_bits") { p in p.windows.mmio64 = AddressRange(start: 1 << 32, size: 1 << 41) }
        expectCaught("5 mmio32 vs ECAM") { p in p.windows.mmio32Ranges = [p.memory.hole] }
        expectCaught("bus") { p in p.functions[rp2].secondaryBus = 5 }
        expectCaught("ram") { p in p.e820.removeAll { $0.type == .ram && $0.range.start >= 0x10_0000 } }
        expectCaught("reserve") { p in p.functions.indices.forEach { i in
            if p.functions[i].id == "rp3" { p.functions[i].windows!.pref = nil } } }
        expectCaught("unassigned") { p in p.functions[disk].bars[0].address = nil }
        expectCaught("1 io overlap") { p in
            let io = p.functions.first { $0.id == "rp3" }!.windows!.io!
            p.functions[disk].bars[0].address = io.start
        }
        expectCaught("3 pref window content") { p in  // nic0's 32-bit BAR1 inside rp1's prefetchable window
            let bar1 = p.functions[nic].bars.first { $0.index == 1 }!.address!
            p.functions[rp1].windows!.pref = AddressRange(start: bar1 / (1 << 20) * (1 << 20), size: 1 << 20)
        }
        expectCaught("policy hvmloader high") { p in
            let i = p.functions.firstIndex { $0.id == "rp4" }!
            p.functions[i].windows!.pref = AddressRange(start: 0xC000_0000, size: 2 << 30)
        }
        expectCaught("e820") { p in p.e820.removeAll { $0.type == .acpi } }
        expectCaught("acpi layout") { p in p.memory.acpi.rsdp.address = 0x9_0000 }
    }

    /// The error checks are not vacuous either: errors a planner must not raise are reported.
    @Test func errorChecksCatchUnfoundedErrors() {
        let small = DefaultVM.config(policyOverride: .toolstack)
        func tags(_ error: LayoutError, _ config: MachineConfig = small) -> [String] {
            InvariantChecks.checkError(error, config).violations.map(PlanProperty.tag)
        }
        #expect(tags(.lowWindowTooSmall(needed: 1 << 30, available: 2 << 30, window: nil, misfits: []))
                == ["err numbers low", "err false-impossible low"])
        #expect(tags(.window64TooSmall(needed: 1 << 20, available: 1 << 30, misfits: []))
                == ["err numbers 64", "err false-impossible 64"])
        #expect(tags(.ioSpaceExhausted(needed: 0x2000, available: 0xF000, misfits: []))
                == ["err numbers io", "err false-impossible io"])
        #expect(tags(.conflictingInput(field: "ecam.base", value: "0x0", problem: "", accepted: "")) == ["err conflictingInput"])
        #expect(tags(.lowWindowTooSmall(needed: 2 << 30, available: 1 << 30, window: nil, misfits: []),
                     DefaultVM.config()) == ["err policy", "err false-impossible low"])
    }

    /// A few descriptions whose outcome is known by hand: the checks accept the planner's answer.
    @Test func handPickedBoundaries() {
        let base = MachineConfig(name: "edge", vmm: .qemu, memory: 0xA000_0000, vcpus: 1,
                                 ecam: ECAMConfig(policy: .toolstack, buses: 256, base: 0x8000_0000),
                                 rootPorts: [], devices: [])
        // The ECAM over low RAM: the toolstack must refuse the base as conflicting input.
        let evaluation = PlanProperty.evaluate(base)
        #expect(evaluation.outcome == .conflictingInput, "\(evaluation)")
        #expect(evaluation.violations == [])
    }
}

struct Failure {
    var seed: UInt64
    var config: MachineConfig
    var count: Int
}

/// One worker's share of the sweep: its census and, per violated invariant, the smallest
/// description that breaks it (ties broken by seed, so the outcome never depends on the split).
struct SweepPart {
    var census = Census()
    var failures: [String: Failure] = [:]

    static func run(indices: [Int]) -> SweepPart {
        var part = SweepPart()
        for index in indices {
            let seed = RandomVM.sweepSeed(index)
            let config = RandomVM.make(seed: seed)
            let evaluation = PlanProperty.evaluate(config, renderJSON: index % 10 == 0)
            part.census.add(config, evaluation)
            for tag in Set(evaluation.violations.map(PlanProperty.tag)) {
                part.note(tag, Failure(seed: seed, config: config, count: 1))
            }
        }
        return part
    }

    mutating func note(_ tag: String, _ failure: Failure) {
        guard var known = failures[tag] else {
            failures[tag] = failure
            return
        }
        known.count += failure.count
        let (a, b) = (PlanProperty.weight(failure.config), PlanProperty.weight(known.config))
        if a < b || (a == b && failure.seed < known.seed) { (known.seed, known.config) = (failure.seed, failure.config) }
        failures[tag] = known
    }

    mutating func merge(_ other: SweepPart) {
        census.merge(other.census)
        for (tag, failure) in other.failures { note(tag, failure) }
    }
}

extension RandomVM {
    static let sweepBase: UInt64 = 0x6775_6573_7466_7721  // "guestfw!"
    static func sweepSeed(_ index: Int) -> UInt64 { sweepBase &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03 }
}

// MARK: - Planning one description and judging the outcome

enum Outcome: String, CaseIterable, Comparable {
    case complete = "planned, complete"
    case withUnassigned = "planned, with unassigned"
    case lowWindowTooSmall, window64TooSmall, noAlignedPlace, ioSpaceExhausted, conflictingInput, identityConflict

    static func < (a: Outcome, b: Outcome) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    var isImpossible: Bool { self != .complete && self != .withUnassigned }
}

struct Evaluation: CustomStringConvertible {
    var outcome: Outcome
    var violations: [String]
    var relocated = false
    var warnings = false
    var mmio32SpanCoversECAM = false
    /// For an impossible layout: how the checks confirmed it.
    var confirmation: String?
    var description: String { "\(outcome.rawValue): \(violations)" }
}

enum PlanProperty {
    static func attempt(_ config: MachineConfig) -> Result<Plan, LayoutError> {
        do { return .success(try Planner.plan(config)) } catch { return .failure(error) }
    }

    /// Plans `config` (twice, for invariant 7) and checks the outcome.
    /// `renderJSON`: also compare the two plan.json texts (rendering costs as much as planning in a
    /// debug build, so the sweeps do it for one description in ten; equal Plans are compared always).
    static func evaluate(_ config: MachineConfig, twice: Bool = true, renderJSON: Bool = true) -> Evaluation {
        let first = attempt(config)
        var violations: [String] = []
        if twice {
            switch (first, attempt(config)) {
            case (.success(let a), .success(let b)):
                if a != b {
                    violations.append("[7 determinism] planning the same description twice gave different Plans")
                } else if renderJSON && a.json.rendered() != b.json.rendered() {
                    violations.append("[7 determinism] plan.json differs between two runs")
                }
            case (.failure(let a), .failure(let b)):
                if a != b { violations.append("[7 determinism] two runs threw different errors: \(a) / \(b)") }
            default:
                violations.append("[7 determinism] one run planned and the other threw")
            }
        }
        switch first {
        case .success(let plan):
            violations += InvariantChecks.check(plan, config)
            return Evaluation(outcome: plan.unassigned.isEmpty ? .complete : .withUnassigned, violations: violations,
                              relocated: plan.memory.relocatedRAM > 0, warnings: !plan.warnings.isEmpty,
                              mmio32SpanCoversECAM: InvariantChecks.mmio32SpanCoversECAM(plan))
        case .failure(let error):
            let (found, confirmation) = InvariantChecks.checkError(error, config)
            violations += found
            let outcome: Outcome = switch error {
            case .lowWindowTooSmall: .lowWindowTooSmall
            case .window64TooSmall: .window64TooSmall
            case .noAlignedPlace: .noAlignedPlace
            case .ioSpaceExhausted: .ioSpaceExhausted
            case .conflictingInput: .conflictingInput
            case .identityConflict: .identityConflict
            }
            return Evaluation(outcome: outcome, violations: violations, confirmation: confirmation)
        }
    }

    /// "[1 overlap] ..." -> "1 overlap"
    static func tag(_ violation: String) -> String {
        guard violation.first == "[", let close = violation.firstIndex(of: "]") else { return violation }
        return String(violation[violation.index(after: violation.startIndex)..<close])
    }

    /// How big a description is, to keep the smallest failing one. Descriptions that reuse a
    /// chipset function's id weigh more, so that each invariant is shown with another cause
    /// whenever there is one.
    static func weight(_ config: MachineConfig) -> Int {
        let chipsetIDs = Set(ChipsetFunctions.all.map(\.id))
        let reuse = config.devices.contains { chipsetIDs.contains($0.id) } || config.rootPorts.contains { chipsetIDs.contains($0.id) }
        return (reuse ? 100_000 : 0) + config.rootPorts.count * 2 + config.devices.reduce(0) { $0 + 1 + $1.bars.count }
    }
}

// MARK: - Coverage

struct Census {
    var total = 0
    var byKind: [String: Int] = [:]
    var outcomes: [Outcome: Int] = [:]
    var outcomesByKind: [String: [Outcome: Int]] = [:]
    var relocated = 0
    var withWarnings = 0
    var explicitBase = 0
    var hotplugPorts = 0
    var ports = 0
    var passthrough = 0
    var bigIvshmem = 0
    var failing = 0
    var confirmations: [String: Int] = [:]
    var models: [String: Int] = [:]
    var knobs: [String: Int] = [:]
    var splitWindows = 0

    var planned: Int { (outcomes[.complete] ?? 0) + (outcomes[.withUnassigned] ?? 0) }

    mutating func merge(_ other: Census) {
        total += other.total
        byKind.merge(other.byKind, uniquingKeysWith: +)
        outcomes.merge(other.outcomes, uniquingKeysWith: +)
        outcomesByKind.merge(other.outcomesByKind) { $0.merging($1, uniquingKeysWith: +) }
        relocated += other.relocated
        withWarnings += other.withWarnings
        explicitBase += other.explicitBase
        hotplugPorts += other.hotplugPorts
        ports += other.ports
        passthrough += other.passthrough
        bigIvshmem += other.bigIvshmem
        failing += other.failing
        confirmations.merge(other.confirmations, uniquingKeysWith: +)
        models.merge(other.models, uniquingKeysWith: +)
        knobs.merge(other.knobs, uniquingKeysWith: +)
        splitWindows += other.splitWindows
    }
    var impossible: Int { total - planned }

    mutating func add(_ config: MachineConfig, _ evaluation: Evaluation) {
        total += 1
        let kind = "\(config.vmm.rawValue)/\(config.ecam.policy.rawValue)"
        byKind[kind, default: 0] += 1
        outcomes[evaluation.outcome, default: 0] += 1
        outcomesByKind[kind, default: [:]][evaluation.outcome, default: 0] += 1
        if evaluation.relocated { relocated += 1 }
        if evaluation.warnings { withWarnings += 1 }
        if evaluation.mmio32SpanCoversECAM { splitWindows += 1 }
        for device in config.devices { models[device.model ?? "passthrough", default: 0] += 1 }
        let mmio = config.mmio
        for (knob, present) in [("mmio.hole", mmio.hole != nil), ("mmio.window64", mmio.window64 != nil),
                                ("relocate_ram", mmio.relocateRAM), ("phys_bits 36-37", config.physBits <= 37),
                                ("memory 0xA0000000-0xC0000000", (0xA000_0000...0xC000_0000).contains(config.memory)),
                                ("memory > 16G", config.memory > 16 << 30)] where present {
            knobs[knob, default: 0] += 1
        }
        for port in config.rootPorts {
            if port.reserve.io == 0 { knobs["reserve io = 0", default: 0] += 1 }
            if (port.reserve.pref64 ?? 0) >= 1 << 30 { knobs["reserve pref64 >= 1G", default: 0] += 1 }
            if port.reserve.buses != nil { knobs["reserve bus", default: 0] += 1 }
            if port.addr != nil { knobs["port with explicit addr", default: 0] += 1 }
        }
        if config.ecam.base != nil { explicitBase += 1 }
        ports += config.rootPorts.count
        hotplugPorts += config.rootPorts.filter(\.hotplug).count
        passthrough += config.devices.filter { $0.model == nil }.count
        bigIvshmem += config.devices.filter { ($0.size ?? 0) >= 1 << 30 }.count
        if !evaluation.violations.isEmpty { failing += 1 }
        if let how = evaluation.confirmation { confirmations["\(evaluation.outcome.rawValue) by \(how)", default: 0] += 1 }
    }

    func report(title: String, time: Duration) -> String {
        var lines = ["\(title): \(total) descriptions in \(time) (planned twice each, plus checks)"]
        lines.append("  planned \(planned), impossible \(impossible), breaking an invariant \(failing)")
        for outcome in Outcome.allCases { lines.append("  \(outcome.rawValue): \(outcomes[outcome] ?? 0)") }
        for kind in byKind.keys.sorted() {
            let detail = Outcome.allCases.compactMap { o in outcomesByKind[kind]?[o].map { "\(o.rawValue) \($0)" } }
            lines.append("  \(kind): \(byKind[kind]!) -- " + detail.joined(separator: ", "))
        }
        lines.append("  impossible layouts confirmed: " + confirmations.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("  relocated RAM \(relocated), with warnings \(withWarnings), explicit ecam.base \(explicitBase), ECAM between two 32-bit ranges (plan.json \"mmio32\" span covers it) \(splitWindows)")
        lines.append("  root ports \(ports) (hot-pluggable \(hotplugPorts)), passthrough devices \(passthrough), ivshmem >= 1G \(bigIvshmem)")
        lines.append("  devices by model: " + models.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("  descriptions/ports with: " + knobs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

/// PropertyBased's body is not Sendable and runs on the test's isolation: a plain box suffices.
final class CensusBox {
    var value = Census()
}

// MARK: - Minimal reproductions of the failures the random descriptions found

/// Each failure kind the sweep found, shrunk (and then trimmed by hand) to a small description.
/// They fail until the planner is fixed, and then keep the fixes in place.
struct Reproduction: Sendable, CustomTestStringConvertible {
    var name: String
    var config: MachineConfig
    /// Found as a planner failure, fixed by refusing the description instead.
    var refusedByDecoder = false
    var testDescription: String { name }

    static let g: UInt64 = 1 << 30, m: UInt64 = 1 << 20

    static let all: [Reproduction] = [
        Reproduction(name: "a device named like a chipset function shares its BAR addresses", config: MachineConfig(
            name: "chipset-id", vmm: .xen, memory: 128 * m, vcpus: 1, physBits: 39,
            ecam: ECAMConfig(policy: .toolstack, buses: 64), rootPorts: [],
            devices: [Device(id: "ich9-ahci", bars: [BARSpec(index: 5, kind: .mem32, size: 16)])]), refusedByDecoder: true),
        Reproduction(name: "a catalog device named ich9-ahci gives the chipset's I/O BAR a memory address", config: MachineConfig(
            name: "chipset-id-io", vmm: .qemu, memory: 128 * m, vcpus: 1, physBits: 40,
            ecam: ECAMConfig(policy: .toolstack, buses: 64), rootPorts: [],
            devices: [Device(id: "ich9-ahci", model: "virtio-scsi-pci")]), refusedByDecoder: true),
        Reproduction(name: "an explicit window64 runs past 2^phys_bits (hvmloader)", config: MachineConfig(
            name: "window64-hvmloader", vmm: .qemu, memory: 32 * g, vcpus: 1, physBits: 36,
            ecam: ECAMConfig(policy: .hvmloader, buses: 64), mmio: MMIOConfig(window64: 32 * g), rootPorts: [], devices: [])),
        Reproduction(name: "an explicit window64 runs past 2^phys_bits (toolstack)", config: MachineConfig(
            name: "window64-toolstack", vmm: .qemu, memory: 32 * g, vcpus: 1, physBits: 36,
            ecam: ECAMConfig(policy: .toolstack, buses: 64), mmio: MMIOConfig(window64: 32 * g), rootPorts: [], devices: [])),
        Reproduction(name: "lowWindowTooSmall with needed < available and a wrapped 'short by'", config: MachineConfig(
            name: "low-alignment", vmm: .xen, memory: 128 * m, vcpus: 1, physBits: 38,
            ecam: ECAMConfig(policy: .toolstack, buses: 64), mmio: MMIOConfig(hole: 1536 * m), rootPorts: [],
            devices: [Device(id: "d1", bars: [BARSpec(index: 4, kind: .mem32, size: 1 * g)])])),
        Reproduction(name: "window64TooSmall with needed < available and a wrapped 'short by'", config: MachineConfig(
            name: "high-alignment", vmm: .xen, memory: 128 * m, vcpus: 1, physBits: 36,
            ecam: ECAMConfig(policy: .toolstack, buses: 64), mmio: MMIOConfig(window64: 9 * g), rootPorts: [],
            devices: [Device(id: "d1", model: "ivshmem-plain", size: 8 * g)])),
        Reproduction(name: "conflictingInput for an ecam.base clear of RAM: the 32-bit demand needs a hole that moves RAM onto it", config: MachineConfig(
            name: "conflict-growth", vmm: .xen, memory: 8 * g, vcpus: 1, physBits: 40,
            ecam: ECAMConfig(policy: .toolstack, buses: 64, base: 0x2_2000_0000), rootPorts: [],
            devices: [Device(id: "d1", bars: [BARSpec(index: 0, kind: .mem32, size: 1 * g)])])),
        Reproduction(name: "hvmloader on xen stops doubling the hole while the ECAM is left unassigned", config: MachineConfig(
            name: "hole-growth", vmm: .xen, memory: 128 * m, vcpus: 1, physBits: 38,
            ecam: ECAMConfig(policy: .hvmloader, buses: 256), rootPorts: [RootPort(id: "rp0")],
            devices: [Device(id: "d1", bus: "rp0", bars: [BARSpec(index: 0, kind: .mem32, size: 512 * m),
                                                         BARSpec(index: 1, kind: .mem32, size: 1 * m)])])),
    ]
}

extension PlanInvariantTests {
    @Test(arguments: Reproduction.all)
    func reproductionsOfReportedFailures(_ reproduction: Reproduction) {
        if reproduction.refusedByDecoder {
            #expect(RandomVM.decodeErrors(reproduction.config, viaText: false)?.contains("ICH9 function") == true)
            return
        }
        #expect(RandomVM.decodes(reproduction.config))
        let evaluation = PlanProperty.evaluate(reproduction.config)
        #expect(evaluation.violations.isEmpty, Comment(rawValue: """
            \(evaluation.outcome.rawValue)
            \(evaluation.violations.joined(separator: "\n"))
            --- description ---
            \(RandomVM.toml(reproduction.config))
            """))
    }
}
