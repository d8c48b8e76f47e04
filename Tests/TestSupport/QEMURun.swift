import Foundation

/// One run of a QEMU shell line, its console and stderr kept in a file.
public struct QEMURun: Sendable {
    public var output: URL
    public var seconds: Double
    /// nil when the run was killed.
    public var exitStatus: Int32?
    /// Still running when it was killed at the deadline, or after `stopWhen` matched.
    public var killed: Bool
    public var text: String
}

public enum QEMU {
    /// Runs `line` through /bin/sh with `exec`, so the shell becomes QEMU and one SIGKILL ends it.
    /// Not timeout(1) nor SIGTERM: the test runner blocks signals and its children inherit the
    /// mask, so only SIGKILL is sure to arrive.
    ///
    /// `stopWhen` is asked about the output so far; once it says yes QEMU keeps running for
    /// `linger` seconds more (to show whether it prints more, or stops), then it is killed.
    public static func run(_ line: String, output: URL, deadline: Double,
                    stopWhen: ((String) -> Bool)? = nil, linger: Double = 0) async throws -> QEMURun {
        try Data().write(to: output)
        let file = try FileHandle(forWritingTo: output)
        defer { try? file.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + line]
        process.standardOutput = file
        process.standardError = file
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        var stopAt = started.addingTimeInterval(deadline)
        var stopping = false
        while process.isRunning && Date() < stopAt {
            try await Task.sleep(nanoseconds: 200_000_000)
            if !stopping, let stopWhen, stopWhen(read(output)) {
                stopping = true
                stopAt = min(stopAt, Date().addingTimeInterval(linger))
            }
        }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        return QEMURun(output: output, seconds: seconds, exitStatus: killed ? nil : process.terminationStatus,
                       killed: killed, text: read(output))
    }

    private static func read(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }
}

/// The shell words of a qemu-args line (plain words, single quotes, backslash escapes: what
/// `guestfw qemu-args` writes), and back, so a test can take a device out or change a property.
public enum ShellWords {
    public static func split(_ line: String) -> [String] {
        var words: [String] = [], current = "", inWord = false, quoted = false, escaped = false
        for character in line {
            if escaped {
                current.append(character); escaped = false
            } else if quoted {
                if character == "'" { quoted = false } else { current.append(character) }
            } else if character == "'" {
                quoted = true; inWord = true
            } else if character == "\\" {
                escaped = true; inWord = true
            } else if character == " " || character == "\n" || character == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    public static func join(_ words: [String]) -> String {
        words.map { word in
            let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.,=/:+@%".contains($0)) }
            return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// The comma-separated property `key` of a -device or -object argument.
    public static func property(_ argument: String, _ key: String) -> String? {
        argument.split(separator: ",").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}
