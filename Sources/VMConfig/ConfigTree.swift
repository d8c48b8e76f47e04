/// A parsed description, before any meaning is given to it: the common shape of TOML and JSON
/// input, with the line of every value so that errors can point at it.
public struct TextPosition: Sendable, Equatable, Hashable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

public struct ConfigNode: Sendable, Equatable {
    public var value: ConfigValue
    /// Where the value starts in the source; nil where the reader cannot tell.
    public var location: TextPosition?
    public init(_ value: ConfigValue, at location: TextPosition? = nil) {
        self.value = value
        self.location = location
    }
}

public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([ConfigNode])
    case table(ConfigTable)

    /// How a value's type is named in error messages.
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A table keeps its keys in source order, so that reports and errors follow the file.
public struct ConfigTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var node: ConfigNode
        /// Where the key itself stands (for TOML, the line of `key =`).
        public var keyLocation: TextPosition?
        public init(key: String, node: ConfigNode, keyLocation: TextPosition? = nil) {
            self.key = key
            self.node = node
            self.keyLocation = keyLocation
        }
    }

    public var entries: [Entry]
    public init(_ entries: [Entry] = []) { self.entries = entries }

    public subscript(key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.node
    }
}

/// A syntax error from a reader: the input is not valid TOML or JSON at all.
public struct ConfigSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var location: TextPosition
    public init(_ message: String, at location: TextPosition) {
        self.message = message
        self.location = location
    }
}
