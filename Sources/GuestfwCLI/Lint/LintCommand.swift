import ArgumentParser
import Foundation
import Layout

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Topology and table checks that Windows and Linux enforce: exit 0 clean, 1 findings, 2 error.")

    @Argument(help: "A VM description (every check, on the tables build would write), or a directory of ACPI tables (a build output directory with plan.json and acpi/, or the tables alone).")
    var input: String

    @Flag(name: .long, help: "Print the findings and notes as JSON.")
    var json = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CommandError.badInput("\(input): no such file or directory; accepted: a VM description (TOML or JSON) or a directory of ACPI tables")
        }
        let report = isDirectory.boolValue ? try LintInputs.directory(input) : try LintInputs.config(input)
        print(json ? rendered(report).rendered() : text(report))
        if !report.findings.isEmpty {
            throw CommandError.negative("\(input): \(report.findings.count) finding(s)")
        }
    }

    func text(_ report: LintReport) -> String {
        let notes = report.notes.map { "note: " + $0 }
        let summary = report.findings.isEmpty ? "\(input): clean" : "\(input): \(report.findings.count) finding(s)"
        return (report.findings.map(\.text) + notes + [summary]).joined(separator: "\n")
    }

    func rendered(_ report: LintReport) -> JSONText {
        .object([("input", .string(input)), ("findings", .array(report.findings.map(\.json))),
                 ("notes", .array(report.notes.map(JSONText.string)))])
    }
}
