import Foundation

/// ACPICA's acpiexec in batch mode (`acpiexec -b 'COMMANDS' TABLE...`), and what guestfw reads of
/// its output: the values of evaluated objects and the resources a `_CRS` decodes to. acpiexec
/// exits 0 even when an evaluation fails, so callers read its output, never its status.
struct ACPIExec {
    let executable: URL

    static func find() -> ACPIExec? { Subprocess.locate("acpiexec").map(ACPIExec.init) }

    static let missing = "acpiexec not found on PATH: it is needed to evaluate the DSDT's host bridges and motherboard resources; accepted: install acpica-tools"

    /// Runs `commands` (separated by ";") on `tables` (file names in `directory`); stdout and
    /// stderr together, as acpiexec interleaves its own messages with the results.
    func run(_ commands: [String], tables: [String], in directory: URL) throws(CommandError) -> String {
        do {
            let run = try Subprocess.run(executable, ["-b", commands.joined(separator: "; ")] + tables, in: directory)
            return run.stdout + run.stderr
        } catch {
            throw .badInput("running acpiexec: \(error)")
        }
    }

    /// acpiexec runs its own hardware self-tests when an FADT is loaded and reports these five
    /// lines for any FADT, QEMU's own q35 tables included (it simulates no PM hardware). They are
    /// not about the tables under test.
    static let selfTestNoise = [
        "Unexpected AE_BAD_ADDRESS from AcpiWriteBitRegister", "Unexpected AE_BAD_ADDRESS from AcpiReadBitRegister",
        "Unexpected AE_BAD_PARAMETER from AcpiInstallGpeHandler", "Unexpected AE_BAD_PARAMETER from AcpiEnableGpe",
        "Unexpected AE_BAD_PARAMETER from AcpiDisableGpe",
    ]

    /// Lines of acpiexec output that report a failure.
    static func failureLines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { line in
            let lower = line.lowercased()
            let bad = lower.contains("fail") || lower.contains("error") || lower.contains("exception")
                || lower.contains("unexpected") || line.contains("AE_")
            return bad && !selfTestNoise.contains { line.hasPrefix($0) }
        }
    }

    /// One decoded resource descriptor from `resources DEVICE`: its title and fields.
    struct Resource: Sendable, Hashable {
        var title: String
        var fields: [String: String]
        func hex(_ key: String) -> UInt64? { fields[key].flatMap { UInt64($0, radix: 16) } }
    }

    /// The `_CRS` part of a `resources` dump (acpiexec then tries `_SRS`, which a static
    /// device does not have; that part is not read).
    static func decodedCRS(_ output: String) -> [Resource] {
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

    /// A value acpiexec printed for an evaluated object (a package's elements are listed in turn).
    enum Value: Sendable, Hashable, CustomStringConvertible {
        case integer(UInt64)
        case string(String)

        var description: String {
            switch self {
            case .integer(let value): "0x" + String(value, radix: 16)
            case .string(let text): "\"\(text)\""
            }
        }
    }

    /// The values of every object `all NAME` (or `evaluate PATH`) evaluated, by the object's path
    /// as acpiexec prints it with padding removed (`\_SB.PCI0._UID`). Objects whose evaluation
    /// failed are absent.
    static func evaluations(_ output: String) -> [String: [Value]] {
        var result: [String: [Value]] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Evaluation of "), let end = line.range(of: " returned object") {
                current = canonicalPath(String(line[line.index(line.startIndex, offsetBy: 14)..<end.lowerBound]))
                result[current!] = []
                continue
            }
            guard let path = current else { continue }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { current = nil; continue }
            if text.hasPrefix("[Integer] = "), let value = UInt64(text.dropFirst(12), radix: 16) {
                result[path, default: []].append(.integer(value))
            } else if text.hasPrefix("[String] Length "), let open = text.firstIndex(of: "\""), text.hasSuffix("\""),
                      open < text.index(before: text.endIndex) {
                result[path, default: []].append(.string(String(text[text.index(after: open)..<text.index(before: text.endIndex)])))
            }
        }
        return result
    }

    /// `\_SB_.PCI0._HID` → `\_SB.PCI0._HID`: ACPI names are four characters padded with "_", and
    /// acpiexec prints them padded in some places and not in others.
    static func canonicalPath(_ path: String) -> String {
        let rooted = path.hasPrefix("\\")
        let segments = (rooted ? path.dropFirst() : Substring(path)).split(separator: ".").map { segment in
            var name = String(segment)
            while name.count > 1 && name.hasSuffix("_") && name != "_" { name.removeLast() }
            // A name made only of an underscore and letters keeps its leading "_" (\_SB).
            return name
        }
        return (rooted ? "\\" : "") + segments.joined(separator: ".")
    }
}
