import Foundation
import Testing

/// ACPICA's tools, which `make test` installs. Their absence is a failure, not a skip, so a CI
/// whose install step broke cannot pass without checking the tables.
enum ACPICA {
    static func tool(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let url = path.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent(name) })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ToolMissing(name: name)
        }
        return url
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not on PATH: install acpica-tools (make test does)" }
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try self.tool(tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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

    /// One decoded resource descriptor from `acpiexec -b 'resources ...'`: its title and fields.
    struct Resource {
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
}
