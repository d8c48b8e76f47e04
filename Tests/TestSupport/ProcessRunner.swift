import Foundation

/// What a finished child process printed, and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    /// Empty when the run merged stderr into stdout.
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The one way the test targets start a program: found on PATH (or given by URL), with standard
/// input closed and both pipes drained concurrently, so a child filling one pipe while the test
/// reads the other can never deadlock.
public enum ProcessRunner {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The first executable `name` on PATH.
    public static func locate(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// `name` on PATH, or an error saying which package brings it. A missing tool fails the test:
    /// a CI whose install step broke must not pass by skipping what it could not run.
    public static func require(_ name: String, from package: String) throws -> URL {
        guard let url = locate(name) else { throw Failed("\(name) is not on PATH: install \(package) (make test does)") }
        return url
    }

    /// Runs `executable` to its end. `mergingOutput` sends stderr into the same pipe as stdout,
    /// keeping the two interleaved as a terminal would show them.
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:], mergingOutput: Bool = false) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = mergingOutput ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errData = Drain(mergingOutput ? nil : err)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.wait(), as: UTF8.self))
    }

    /// Runs `name` from PATH; throws unless it exits with status 0.
    @discardableResult
    public static func runChecked(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
        guard let executable = locate(name) else { throw Failed("\(name) is not on PATH") }
        let result = try run(executable, arguments, in: directory)
        guard result.status == 0 else {
            throw Failed("\(name) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }
}

/// Reads a pipe to its end on another thread.
private final class Drain: @unchecked Sendable {
    private var data = Data()
    private let group = DispatchGroup()

    init(_ pipe: Pipe?) {
        guard let pipe else { return }
        group.enter()
        DispatchQueue.global().async {
            self.data = pipe.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
    }

    func wait() -> Data {
        group.wait()
        return data
    }
}
