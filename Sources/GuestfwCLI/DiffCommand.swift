import ACPI
import ArgumentParser
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two ACPI table sets: exit 0 same, 1 differ (with an ASL diff), 2 error.")

    @Argument(help: "The expected tables (e.g. golden files).")
    var expected: String

    @Argument(help: "The tables to check.")
    var actual: String

    func run() throws {
        let left = try TableSet.read(expected), right = try TableSet.read(actual)
        let comparisons = TableComparison.compare(left, right)
        for comparison in comparisons { print(comparison.summary) }
        let changed = comparisons.filter(\.needsDiff)
        if !changed.isEmpty {
            guard let iasl = IASL.find() else {
                throw CommandError.badInput("iasl not found on PATH: it is needed to show how the \(changed.count) changed table(s) differ; accepted: install acpica-tools")
            }
            for comparison in changed {
                print("")
                print(try comparison.aslDiff(iasl: iasl, expectedDirectory: expected, actualDirectory: actual))
            }
        }
        if comparisons.contains(where: \.differs) {
            throw CommandError("\(comparisons.filter(\.differs).count) of \(comparisons.count) tables differ", exitCode: 1)
        }
    }
}

/// One signature's verdict.
struct TableComparison {
    enum Verdict {
        case same
        case samePointersAside([String])
        case differs
        case onlyExpected
        case onlyActual
    }

    var signature: String
    var expected: [UInt8]?
    var actual: [UInt8]?
    var verdict: Verdict

    static func compare(_ left: TableSet, _ right: TableSet) -> [TableComparison] {
        Set(left.tables.keys).union(right.tables.keys).sorted().map { signature in
            let a = left.tables[signature], b = right.tables[signature]
            let verdict: Verdict
            switch (a, b) {
            case let (a?, b?) where a == b: verdict = .same
            case let (a?, b?) where PointerFields.masked(a, signature: signature) == PointerFields.masked(b, signature: signature):
                verdict = .samePointersAside(PointerFields.differing(a, b, signature: signature))
            case (_?, _?): verdict = .differs
            case (_?, nil): verdict = .onlyExpected
            default: verdict = .onlyActual
            }
            return TableComparison(signature: signature, expected: a, actual: b, verdict: verdict)
        }
    }

    var differs: Bool {
        switch verdict {
        case .same, .samePointersAside: false
        default: true
        }
    }

    var needsDiff: Bool { if case .differs = verdict { true } else { false } }

    var summary: String {
        switch verdict {
        case .same: "\(signature): same"
        case .samePointersAside(let fields): "\(signature): same apart from pointers to other tables (\(fields.joined(separator: ", "))), which only say where tables were placed"
        case .differs: "\(signature): DIFFERS (\(expected!.count) -> \(actual!.count) bytes)"
        case .onlyExpected: "\(signature): MISSING from the actual set"
        case .onlyActual: "\(signature): NEW in the actual set"
        }
    }

    func aslDiff(iasl: IASL, expectedDirectory: String, actualDirectory: String) throws(CommandError) -> String {
        let before = try iasl.disassemble([(signature, expected!)])[signature] ?? ""
        let after = try iasl.disassemble([(signature, actual!)])[signature] ?? ""
        return try UnifiedDiff.text(before, after, labels: ("\(expectedDirectory)/\(signature).dsl", "\(actualDirectory)/\(signature).dsl"))
    }
}

/// `diff -u` of two texts (diffutils is part of every Debian system).
enum UnifiedDiff {
    static func text(_ a: String, _ b: String, labels: (String, String)) throws(CommandError) -> String {
        guard let diff = Subprocess.locate("diff") else { throw .badInput("diff not found on PATH; accepted: install diffutils") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(a.utf8).write(to: directory.appendingPathComponent("a"))
            try Data(b.utf8).write(to: directory.appendingPathComponent("b"))
            let run = try Subprocess.run(diff, ["-u", "--label", labels.0, "--label", labels.1, "a", "b"], in: directory)
            return run.stdout.hasSuffix("\n") ? String(run.stdout.dropLast()) : run.stdout
        } catch {
            throw .badInput("running diff: \(error)")
        }
    }
}
