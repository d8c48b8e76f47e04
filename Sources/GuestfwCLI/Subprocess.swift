import Foundation

/// Runs an external tool (iasl, diff) and collects what it says.
struct Subprocess {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The first executable named `name` on PATH.
    static func locate(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> Subprocess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read stderr on another thread while stdout drains here: either pipe filling up would
        // otherwise block the child forever.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Subprocess(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errBox.data, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// ACPICA's disassembler, when it is installed.
struct IASL {
    let executable: URL

    static func find() -> IASL? { Subprocess.locate("iasl").map(IASL.init) }

    /// The ASL of each table, with iasl's date line made stable so the same tables always give
    /// the same text. Throws when iasl fails or reports errors or warnings on a table.
    ///
    /// One iasl run disassembles every table (each into its own .dsl, the same text as a run per
    /// table: starting iasl once per table was most of `build`'s time). When that run fails, each
    /// table is run alone to name the one iasl refuses.
    func disassemble(_ tables: [(signature: String, bytes: [UInt8])]) throws(CommandError) -> [String: String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-iasl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var result: [String: String] = [:]
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for table in tables { try createFile(directory.appendingPathComponent("\(table.signature).dat").path, table.bytes) }
            let all = try Subprocess.run(executable, ["-d"] + tables.map { "\($0.signature).dat" }, in: directory)
            for table in tables {
                var run = all
                if all.status != 0 { run = try Subprocess.run(executable, ["-d", "\(table.signature).dat"], in: directory) }
                let dsl = directory.appendingPathComponent("\(table.signature).dsl")
                guard run.status == 0, let text = try? String(contentsOf: dsl, encoding: .utf8) else {
                    throw CommandError.negative("iasl could not disassemble \(table.signature): \(IASL.summary(run))")
                }
                result[table.signature] = IASL.normalized(text)
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw .badInput("running iasl: \(error)")
        }
        return result
    }

    /// iasl writes the date of the run into the header; nothing else in its output varies.
    static func normalized(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.contains(" * Disassembly of "), let comma = line.lastIndex(of: ",") else { return String(line) }
            return String(line[..<comma])
        }.joined(separator: "\n")
    }

    /// iasl's errors and warnings; when it names none, its last lines (never an empty reason).
    static func summary(_ run: Subprocess) -> String {
        let lines = (run.stdout + run.stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let flagged = lines.filter { $0.contains("Error") || $0.contains("Warning") }
        let chosen = flagged.isEmpty ? Array(lines.filter { !$0.hasPrefix("Intel ACPI") && !$0.hasPrefix("ASL+") && !$0.hasPrefix("Copyright") }.suffix(2)) : Array(flagged.prefix(5))
        let text = chosen.joined(separator: "; ")
        return text.isEmpty ? "iasl exited with status \(run.status) and no message" : text
    }
}
