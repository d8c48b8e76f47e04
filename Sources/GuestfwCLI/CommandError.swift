/// A failure the command line reports and turns into an exit code: 1 for a real negative answer
/// (an impossible layout, tables that differ), 2 for bad usage or bad input.
public struct CommandError: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public static func badInput(_ message: String) -> CommandError { CommandError(message, exitCode: 2) }
    public static func negative(_ message: String) -> CommandError { CommandError(message, exitCode: 1) }

    public var description: String { message }
}
