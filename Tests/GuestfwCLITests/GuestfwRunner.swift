import Foundation
import TestSupport

/// Runs the built `guestfw` executable as a user would, in a scratch directory of its own.
struct GuestfwRun {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    /// Every file in the scratch directory after the run, relative to it.
    var filesAfter: [String]
}

enum Guestfw {
    static var executable: URL { Repository.product("guestfw") }

    static func scratchDirectory() throws -> URL { try Repository.scratchDirectory() }

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
        let result = try ProcessRunner.run(executable, arguments, in: directory, environment: environment)
        let after = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
        return GuestfwRun(exitCode: result.status, stdout: result.stdout, stderr: result.stderr, filesAfter: after)
    }
}
