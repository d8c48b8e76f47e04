/// A parsed description, before any meaning is given to it: the common shape of TOML and JSON
/// input, with the line of every value so that errors can point at it.
///
/// Every value of a document carries one, so it is kept small (two 32-bit counts: a 50 MB file
/// of numbers is 25 million of them); a count past 2^31 - 1 stays at that.
public struct TextPosition: Sendable, Equatable, Hashable {
    private var storedLine: Int32
    private var storedColumn: Int32
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }
    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
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

/// Not `indirect`: arrays and tables already live on the heap, and boxing every scalar doubled
/// the memory a large document takes.
public enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([ConfigNode])
    case table(ConfigTable)
    /// A literal the grammar reads but no key can take: JSON's `null`, or a number too large
    /// for 64 bits. The reader keeps it so that the decoder, which knows the key and what the
    /// key accepts, says so (`FieldReader` refuses it for every key).
    case unusable(UnusableLiteral)

    /// How a value's type is named in error messages.
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .unusable(let literal): literal.typeName
        }
    }
}

/// See `ConfigValue.unusable`.
public struct UnusableLiteral: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        /// An integer outside -2^63...2^63-1.
        case integerOutOfRange
        /// A float whose magnitude is beyond a double's.
        case floatOutOfRange
    }
    public var kind: Kind
    /// The literal as written (possibly 400 digits: messages shorten it, see `render`).
    public var text: String
    public init(_ kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    var typeName: String {
        switch kind {
        case .null: "null"
        case .integerOutOfRange: "an integer beyond 64 bits"
        case .floatOutOfRange: "a float beyond a double's range"
        }
    }

    /// What the decoder says about such a value under any key.
    var problem: String {
        switch kind {
        case .null: "null is not a value here (omit the key to leave it unset)"
        case .integerOutOfRange: "is out of range (beyond 64 bits)"
        case .floatOutOfRange: "is out of range (beyond a double's range)"
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
