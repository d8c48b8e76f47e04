import Foundation
@testable import GuestfwCLI
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

    // What acpiexec prints is read by the production parsers (GuestfwCLI.ACPIExec), which `lint` uses.
}
