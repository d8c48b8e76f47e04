import Foundation

/// Runs the built `guestfw` executable as a user would, in a scratch directory of its own.
struct GuestfwRun {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    /// Every file in the scratch directory after the run, relative to it.
    var filesAfter: [String]
}

enum Guestfw {
    static var executable: URL {
        // The test runner sits next to the products it was built with.
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("guestfw")
    }

    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `files` into a fresh directory, runs guestfw there with `arguments`, and reports.
    static func run(_ arguments: [String], files: [String: String] = [:], environment: [String: String] = [:]) throws -> GuestfwRun {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return try run(in: directory, arguments, environment: environment)
    }

    /// Runs guestfw in `directory` (left in place for the caller to inspect or remove).
    static func run(in directory: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> GuestfwRun {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes before waiting, or a large output blocks the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let after = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
        return GuestfwRun(exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self), filesAfter: after)
    }
}
