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
        let left = try TableDirectory.read(expected), right = try TableDirectory.read(actual)
        if left.variants.isEmpty && right.variants.isEmpty {
            // A plain table set on each side: a line per signature.
            let comparisons = TableComparison.compare(left.base, right.base)
            for comparison in comparisons { print(comparison.summary()) }
            for line in SkippedEntry.lines(left.skipped + right.skipped) { print(line) }
            try Self.printDiffs(comparisons.map { ($0, left.base, right.base) })
            if comparisons.contains(where: \.differs) {
                throw CommandError("\(comparisons.filter(\.differs).count) of \(comparisons.count) tables differ", exitCode: 1)
            }
            return
        }
        // QEMU's layout: a summary per table set (the base and each variant).
        let sets = SetComparison.compare(left, right)
        for set in sets { print(set.summaryLines.joined(separator: "\n")) }
        for line in SkippedEntry.lines(SetComparison.uncompared(sets, left, right)) { print(line) }
        try Self.printDiffs(sets.flatMap { set in set.tables.map { ($0, set.left, set.right) } })
        if sets.contains(where: \.differs) {
            throw CommandError("\(sets.filter(\.differs).count) of \(sets.count) table sets differ", exitCode: 1)
        }
    }

    /// The diff of every changed table, once per pair of files however many sets share it (a base
    /// file serves every variant without its own). The RSDP (which iasl cannot disassemble) and the
    /// FACS are shown field by field, the others as a unified diff of iasl's disassembly.
    static func printDiffs(_ items: [(TableComparison, TableSet, TableSet)]) throws {
        var seen = Set<[String]>()
        var changed: [(comparison: TableComparison, expectedPath: String, actualPath: String)] = []
        for (comparison, left, right) in items where comparison.needsDiff {
            let paths = [left.path(of: comparison.signature), right.path(of: comparison.signature)]
            if seen.insert(paths).inserted { changed.append((comparison, paths[0], paths[1])) }
        }
        let fieldOnly = { (item: (comparison: TableComparison, expectedPath: String, actualPath: String)) in
            TableComparison.fieldOnlySignatures.contains(item.comparison.signature)
        }
        for item in changed where fieldOnly(item) {
            print("")
            print(item.comparison.fieldDiff(expectedPath: item.expectedPath, actualPath: item.actualPath))
        }
        let byASL = changed.filter { !fieldOnly($0) }
        guard !byASL.isEmpty else { return }
        guard let iasl = IASL.find() else {
            throw CommandError.badInput("iasl not found on PATH: it is needed to show how the \(byASL.count) changed table(s) differ; accepted: install acpica-tools")
        }
        for item in byASL {
            print("")
            print(try item.comparison.aslDiff(iasl: iasl, expectedPath: item.expectedPath, actualPath: item.actualPath))
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

    var isSame: Bool { if case .same = verdict { true } else { false } }

    /// The verdict on one line, for the table named `label` (its signature unless told).
    func summary(label: String? = nil) -> String {
        let name = label ?? signature
        return switch verdict {
        case .same: "\(name): same"
        case .samePointersAside(let fields): "\(name): same apart from pointers to other tables (\(fields.joined(separator: ", "))), which only say where tables were placed"
        case .differs: "\(name): DIFFERS (\(expected!.count) -> \(actual!.count) bytes)"
        case .onlyExpected: "\(name): MISSING from the actual set"
        case .onlyActual: "\(name): NEW in the actual set"
        }
    }

    /// Tables whose changes are shown field by field rather than by iasl: iasl cannot
    /// disassemble an RSDP (it has no table header), and the FACS is a fixed record.
    static let fieldOnlySignatures: Set<String> = ["RSDP", "FACS"]

    /// `--- EXPECTED/RSDP`, `+++ ACTUAL/RSDP`, then a line per field that changed.
    func fieldDiff(expectedPath: String, actualPath: String) -> String {
        let lines = TableFields.differences(signature: signature, expected!, actual!)
        return (["--- \(expectedPath)", "+++ \(actualPath)", "\(signature) fields that differ:"] + lines).joined(separator: "\n")
    }

    /// The unified diff of both disassemblies; when iasl cannot disassemble one of them, the
    /// reason with the file's path, and the table's header field by field instead.
    func aslDiff(iasl: IASL, expectedPath: String, actualPath: String) throws(CommandError) -> String {
        var texts: [String] = []
        var failures: [String] = []
        for (path, bytes) in [(expectedPath, expected!), (actualPath, actual!)] {
            do {
                texts.append(try iasl.disassemble([(signature, bytes)])[signature] ?? "")
            } catch {
                failures.append("\(path): \(error.message)")
            }
        }
        guard failures.isEmpty else {
            return (failures + [fieldDiff(expectedPath: expectedPath, actualPath: actualPath)]).joined(separator: "\n")
        }
        return try UnifiedDiff.text(texts[0], texts[1], labels: ("\(expectedPath).dsl", "\(actualPath).dsl"))
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
