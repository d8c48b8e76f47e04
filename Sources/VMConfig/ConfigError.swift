/// A description that cannot be accepted. It names where (file, line, field), what was written
/// there, what is wrong with it and what would be accepted, because the reader of the message is
/// fixing a file, not reading our code.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var location: TextPosition?
    /// The key path, e.g. `device[2].bars[1].size`; empty for the whole document.
    public var field: String
    /// The offending value as the user wrote it; nil when the problem is a missing key.
    public var value: String?
    public var problem: String
    public var accepted: String?

    public init(file: String, location: TextPosition?, field: String, value: String?,
                problem: String, accepted: String? = nil) {
        self.file = file
        self.location = location
        self.field = field
        self.value = value
        self.problem = problem
        self.accepted = accepted
    }

    public var description: String {
        var where_ = file
        if let location { where_ += ":\(location.line)" }
        var subject = field
        if let value { subject += subject.isEmpty ? value : " = \(value)" }
        var text = subject.isEmpty ? "\(where_): \(problem)" : "\(where_): \(subject): \(problem)"
        if let accepted { text += "; accepted: \(accepted)" }
        return text
    }
}

/// Several errors found in one pass: a user fixing a file wants all of them at once.
/// At most the first `Diagnostics.maximumReported` are kept; `omitted` counts the rest.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    /// Errors found past the ones kept, reported only as a count.
    public var omitted: Int
    public init(_ errors: [ConfigError], omitted: Int = 0) {
        self.errors = errors
        self.omitted = omitted
    }
    public var description: String {
        var lines = errors.map(\.description)
        if omitted > 0, let file = errors.first?.file {
            lines.append("\(file): and \(omitted) more error\(omitted == 1 ? "" : "s") (only the first \(errors.count) are shown)")
        }
        return lines.joined(separator: "\n")
    }
}
