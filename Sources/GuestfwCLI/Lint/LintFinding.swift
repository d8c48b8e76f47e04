import Layout

/// One thing an OS would refuse or mishandle: what, where, why and how to fix it.
struct LintFinding: Sendable, Hashable {
    /// Short kebab-case name of the check (`endpoint-on-bus-0`).
    var id: String
    /// The BDF and device id, or the table and field.
    var location: String
    /// Which OS rejects it and how.
    var reason: String
    var fix: String

    /// `id at location: reason` and an indented `fix:` line.
    var text: String { "\(id) at \(location): \(reason)\n  fix: \(fix)" }

    var json: JSONText {
        .object([("id", .string(id)), ("where", .string(location)), ("reason", .string(reason)), ("fix", .string(fix))])
    }
}

/// What a lint run found, and which checks could not run on its input (and why).
struct LintReport: Sendable {
    var findings: [LintFinding] = []
    var notes: [String] = []

    mutating func add(_ other: LintReport) {
        findings += other.findings
        notes += other.notes
    }
}
