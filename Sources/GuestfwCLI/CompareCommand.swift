import ArgumentParser
import Foundation
import Layout
import VMConfig

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "hvmloader vs toolstack placement: one VM side by side (--svg draws both to scale), or one summary row per config and policy for several.",
        discussion: """
            With one description (or none: the built-in default VM) it prints both layouts side by side. \
            With several, or a directory (every *.toml and *.json in it and below, except guestfw's own \
            plan.json and toolstack.json, sorted), one row per description and policy; --csv prints those \
            rows as CSV. A policy that finds no layout shows its reason in its column or row; the exit code \
            is 0 when every description was read, 2 on bad input.
            """)

    @Argument(help: "VM descriptions (TOML, or JSON with a .json name) or directories of them; the built-in default VM when omitted.")
    var configs: [String] = []

    @Option(name: .long, help: "Also draw both layouts to scale into this SVG file (one description only).")
    var svg: String?

    @Flag(name: .long, help: "Print the summary rows as RFC 4180 CSV with a header line.")
    var csv = false

    func run() throws {
        let sources = try CompareInputs.expand(configs)
        if let svg, sources.count != 1 {
            throw CommandError.badInput("--svg \(svg): draws one VM description, but \(sources.count) were given; accepted: --svg with a single CONFIG")
        }
        let outcomes = try CompareInputs.planAll(sources)
        if let svg {
            try LayoutDrawing.write(LayoutDrawing.svg(outcomes[0]), to: svg)
        }
        let sideBySide = configs.count <= 1 && !configs.contains(where: CompareInputs.isDirectory)
        if csv {
            print(CompareTable.csv(outcomes), terminator: "")
        } else if sideBySide {
            print(ComparisonReport.render(outcomes[0]))
            if let svg { print("\nwrote \(svg)") }
        } else {
            print(CompareTable.text(outcomes))
        }
    }
}

/// One description planned under both policies.
struct CompareOutcome {
    /// The path as given or found, or the default VM's name.
    var source: String
    var name: String
    var vmm: VMMKind
    /// hvmloader first, then toolstack; a failure holds the reason no layout exists.
    var results: [(policy: PlacementPolicy, result: Result<Plan, PlanFailure>)]
}

struct PlanFailure: Error, Equatable {
    var message: String
}

enum CompareInputs {
    /// guestfw's own JSON outputs, which a directory of examples holds beside its vm.toml.
    static let outputNames: Set<String> = ["plan.json", "toolstack.json"]

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// The descriptions to compare: each file as given, each directory's descriptions sorted;
    /// `[nil]` (the built-in default VM) for none.
    static func expand(_ arguments: [String]) throws(CommandError) -> [String?] {
        if arguments.isEmpty { return [nil] }
        var sources: [String?] = []
        var problems: [String] = []
        for argument in arguments {
            guard isDirectory(argument) else {
                sources.append(argument)
                continue
            }
            let found = descriptions(in: argument)
            if found.isEmpty {
                problems.append("\(argument): a directory with no VM description in it; accepted: a directory holding *.toml or *.json VM descriptions (plan.json and toolstack.json are guestfw's outputs and skipped)")
            }
            sources += found.map { Optional($0) }
        }
        if !problems.isEmpty { throw .badInput(problems.joined(separator: "\n")) }
        return sources
    }

    /// Every *.toml and *.json under `directory` (hidden entries and guestfw's outputs skipped), sorted.
    static func descriptions(in directory: String) -> [String] {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let entries = (FileManager.default.enumerator(atPath: base)?.allObjects as? [String]) ?? []
        return entries.filter { relative in
            let parts = relative.split(separator: "/")
            guard let file = parts.last, !parts.contains(where: { $0.hasPrefix(".") }) else { return false }
            guard file.hasSuffix(".toml") || (file.hasSuffix(".json") && !outputNames.contains(String(file))) else { return false }
            return !isDirectory(base + "/" + relative)
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { base + "/" + $0 }
    }

    /// Reads every description and plans it under both policies. Unreadable or invalid
    /// descriptions are bad input, all reported at once; a policy with no layout is a result.
    static func planAll(_ sources: [String?]) throws(CommandError) -> [CompareOutcome] {
        var outcomes: [CompareOutcome] = []
        var problems: [String] = []
        for source in sources {
            let machine: MachineConfig
            do {
                machine = try ConfigInput.load(source, policy: .hvmloader)
            } catch {
                problems.append(error.message)
                continue
            }
            let name = source ?? DefaultVM.fileName
            var results: [(policy: PlacementPolicy, result: Result<Plan, PlanFailure>)] = []
            for policy in PlacementPolicy.allCases {
                do {
                    results.append((policy, .success(try plan(machine, policy: policy, source: name))))
                } catch let failure as PlanFailure {
                    results.append((policy, .failure(failure)))
                } catch {
                    problems.append(String(describing: error))
                }
            }
            outcomes.append(CompareOutcome(source: name, name: machine.name, vmm: machine.vmm, results: results))
        }
        if !problems.isEmpty { throw .badInput(problems.joined(separator: "\n")) }
        return outcomes
    }

    /// The plan under `policy`; no layout is a `PlanFailure`, a contradiction in the description bad input.
    static func plan(_ machine: MachineConfig, policy: PlacementPolicy, source: String) throws -> Plan {
        var config = machine
        config.ecam.policy = policy
        do {
            return try Planner.plan(config)
        } catch {
            if error.isInputError { throw CommandError.badInput("\(source): \(error)") }
            throw PlanFailure(message: error.description)
        }
    }
}

/// The SVG of `compare --svg` and build's layout.svg.
enum LayoutDrawing {
    static func svg(_ outcome: CompareOutcome) -> String {
        LayoutSVG.render(name: outcome.name, columns: outcome.results.map { entry in
            switch entry.result {
            case .success(let plan): .plan(plan)
            case .failure(let failure): .failed(policy: entry.policy, message: failure.message)
            }
        })
    }

    /// build's out/layout.svg: the plan it built beside the other policy's plan of the same description.
    static func file(_ machine: MachineConfig, built: Plan) -> [UInt8] {
        let results = PlacementPolicy.allCases.map { policy -> (policy: PlacementPolicy, result: Result<Plan, PlanFailure>) in
            if policy == built.policy { return (policy, .success(built)) }
            do {
                return (policy, .success(try CompareInputs.plan(machine, policy: policy, source: machine.name)))
            } catch let failure as PlanFailure {
                return (policy, .failure(failure))
            } catch {
                return (policy, .failure(PlanFailure(message: String(describing: error))))
            }
        }
        return Array(svg(CompareOutcome(source: machine.name, name: machine.name, vmm: machine.vmm, results: results)).utf8)
    }

    /// Written whole or not at all.
    static func write(_ text: String, to path: String) throws(CommandError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .badInput("\(path): cannot write the SVG (\(ConfigInput.readableReason(error))); accepted: a writable file path")
        }
    }
}
