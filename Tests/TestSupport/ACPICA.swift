import Foundation

/// ACPICA's tools (iasl, acpiexec), which `make test` installs. Their absence is a failure, not
/// a skip, so a CI whose install step broke cannot pass without checking the tables.
public enum ACPICA {
    public static func tool(_ name: String) throws -> URL {
        try ProcessRunner.require(name, from: "acpica-tools")
    }

    /// Runs an ACPICA tool in `directory`; its stdout and stderr come back as one text, in the
    /// order it wrote them (iasl reports on both).
    public static func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let result = try ProcessRunner.run(try self.tool(tool), arguments, in: directory, mergingOutput: true)
        return (result.status, result.stdout)
    }

    /// What iasl prints when a table is wrong: "Firmware Warning (ACPI): Incorrect checksum ...",
    /// "/* Incorrect checksum, should be .. */", "Invalid ..." comments, "Unknown ACPI table".
    /// None of these words occurs in a clean disassembly.
    public static let complaintWords = ["warning", "error", "incorrect", "invalid", "unknown"]

    /// Every line of `text` (iasl's output, a disassembly) that holds a complaint word.
    public static func complaints(_ text: String) -> [String] {
        text.split(separator: "\n").filter { line in
            complaintWords.contains { line.localizedCaseInsensitiveContains($0) }
        }.map(String.init)
    }

    /// Writes `bytes` to a file named `signature` in a fresh directory, runs `iasl -d` there, and
    /// returns its exit status, the disassembly, and the complaints in either.
    public static func disassemble(_ bytes: [UInt8], signature: String) throws -> (status: Int32, dsl: String, complaints: [String]) {
        let scratch = try ScratchDirectory()
        _ = try scratch.write(signature, bytes)
        let (status, output) = try run("iasl", ["-d", signature], in: scratch.url)
        let dsl = (try? String(contentsOf: scratch.url.appendingPathComponent("\(signature).dsl"), encoding: .utf8)) ?? ""
        return (status, dsl, complaints(output + "\n" + dsl))
    }

    /// An error or warning line of iasl's output (its summary line counts them, "0 Errors").
    public static func isIASLComplaint(_ line: Substring) -> Bool {
        let lower = line.lowercased()
        return (lower.contains("error") || lower.contains("warning")) && !lower.contains("0 errors, 0 warnings")
    }

    // What acpiexec prints is read by the production parsers (GuestfwCLI.ACPIExec), which `lint` uses.
}
