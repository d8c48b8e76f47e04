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

    /// acpiexec runs its own hardware self-tests when an FADT is loaded and reports these five
    /// lines for any FADT, QEMU's own q35 tables included (it simulates no PM hardware). They are
    /// not about the tables under test.
    public static let selfTestNoise = [
        "Unexpected AE_BAD_ADDRESS from AcpiWriteBitRegister", "Unexpected AE_BAD_ADDRESS from AcpiReadBitRegister",
        "Unexpected AE_BAD_PARAMETER from AcpiInstallGpeHandler", "Unexpected AE_BAD_PARAMETER from AcpiEnableGpe",
        "Unexpected AE_BAD_PARAMETER from AcpiDisableGpe",
    ]

    /// Lines of acpiexec output that report a failure.
    public static func failureLines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { line in
            let lower = line.lowercased()
            let bad = lower.contains("fail") || lower.contains("error") || lower.contains("exception")
                || lower.contains("unexpected") || line.contains("AE_")
            return bad && !selfTestNoise.contains { line.hasPrefix($0) }
        }
    }

    /// One decoded resource descriptor from `acpiexec -b 'resources ...'`: its title and fields.
    public struct Resource: Sendable {
        public var title: String
        public var fields: [String: String]
        public func hex(_ key: String) -> UInt64? { fields[key].flatMap { UInt64($0, radix: 16) } }
    }

    /// The `_CRS` part of a `resources` dump (acpiexec then tries `_SRS`, which a static
    /// device does not have; that part is not read).
    public static func decodedCRS(_ output: String) -> [Resource] {
        guard let start = output.range(of: "Evaluating _CRS") else { return [] }
        let end = output.range(of: "Evaluating _SRS", range: start.upperBound..<output.endIndex)?.lowerBound ?? output.endIndex
        var resources: [Resource] = []
        for line in output[start.upperBound..<end].split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                resources.append(Resource(title: text[text.index(after: close)...].trimmingCharacters(in: .whitespaces), fields: [:]))
            } else if let colon = text.range(of: " : "), !resources.isEmpty {
                resources[resources.count - 1].fields[text[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)] =
                    text[colon.upperBound...].trimmingCharacters(in: .whitespaces)
            }
        }
        return resources
    }
}
