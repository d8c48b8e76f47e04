/// Reads a TOML 1.0 document into a `ConfigTable` in which every value and key knows its line.
///
/// Everything in TOML 1.0 is supported except date and time values, which a VM description
/// never needs; they are rejected with a clear message rather than misread as something else.
public enum TOMLReader {
    public static func read(_ text: String) throws(ConfigSyntaxError) -> ConfigTable {
        try SourceCursor.reading(text) { cursor throws(ConfigSyntaxError) in
            var parser = TOMLParser(cursor)
            return try parser.parseDocument()
        }
    }
}

// MARK: - Tables under construction

/// A table while the document is being read. A later `[a.b]` header or `[[a]]` may add to a
/// table defined far above, so tables under construction are shared references; the finished
/// tree is converted to values once, at the end.
final class TOMLTableBuilder {
    /// How a table came to exist decides what may still be added to it (TOML 1.0, "Table").
    enum Origin {
        /// The document itself, or an inline table being read.
        case root
        /// Defined by its own `[a.b]` header; a second `[a.b]` is an error.
        case header
        /// Created by a header `[a.b.c]` on the way to `c`; a later `[a.b]` may still define it.
        case implicit
        /// Created by a dotted key `a.b = 1`; only dotted keys may add keys to it, and no
        /// `[a]` header may define it again.
        case dotted
        /// An element of an array of tables, created by `[[a]]`.
        case arrayElement
    }

    enum Item {
        /// A finished value: a scalar, a static array or an inline table. Nothing may add to it.
        case value(ConfigNode)
        case table(TOMLTableBuilder)
        case arrayOfTables(TOMLArrayOfTablesBuilder)
    }

    struct Slot {
        var item: Item
        var keyLocation: TextPosition
    }

    var origin: Origin
    var location: TextPosition
    /// The final table's entries, in the order in which their keys first appear. A value is
    /// stored here at once; a table or an array of tables, which later lines may still add to,
    /// is in `open` and its entry holds a placeholder until `build`. So the finished table is
    /// this array itself, not a copy of it (a table may have millions of keys).
    private var entries: [ConfigTable.Entry] = []
    private var open: [Int: Item] = [:]
    private var index = KeyIndex()

    init(origin: Origin, location: TextPosition) {
        self.origin = origin
        self.location = location
    }

    subscript(key: String) -> Slot? {
        guard let position = index.position(of: key, isKey: { entries[$0].key == key }) else { return nil }
        return slot(at: position)
    }

    private func slot(at position: Int) -> Slot {
        let entry = entries[position]
        return Slot(item: open[position] ?? .value(entry.node), keyLocation: entry.keyLocation ?? location)
    }

    /// Adds `slot` under a key not yet in the table.
    func insert(_ key: String, _ slot: Slot) {
        _ = insertIfAbsent(key, slot)
    }

    /// Inserts `slot` unless `key` is already there, hashing the key once; returns the slot
    /// already there, if any.
    func insertIfAbsent(_ key: String, _ slot: Slot) -> Slot? {
        if let position = index.insertIfAbsent(key, isKey: { entries[$0].key == key }) {
            return self.slot(at: position)
        }
        let node: ConfigNode
        if case .value(let value) = slot.item {
            node = value
        } else {
            open[entries.count] = slot.item
            node = ConfigNode(.bool(false))
        }
        entries.append(ConfigTable.Entry(key: key, node: node, keyLocation: slot.keyLocation))
        return nil
    }

    func setKeyLocation(_ location: TextPosition, of key: String) {
        if let position = index.position(of: key, isKey: { entries[$0].key == key }) {
            entries[position].keyLocation = location
        }
    }

    /// The finished table; the builder is empty afterwards.
    func build() -> ConfigTable {
        for (position, item) in open { entries[position].node = item.build() }
        defer {
            entries = []
            open = [:]
            index = KeyIndex()
        }
        return ConfigTable(entries)
    }
}

/// An array created by `[[a]]` headers; each header appends an element table.
final class TOMLArrayOfTablesBuilder {
    let location: TextPosition
    var elements: [TOMLTableBuilder]

    init(location: TextPosition, first: TOMLTableBuilder) {
        self.location = location
        self.elements = [first]
    }
}

extension TOMLTableBuilder.Item {
    func build() -> ConfigNode {
        switch self {
        case .value(let node):
            node
        case .table(let table):
            ConfigNode(.table(table.build()), at: table.location)
        case .arrayOfTables(let array):
            ConfigNode(
                .array(array.elements.map { ConfigNode(.table($0.build()), at: $0.location) }),
                at: array.location)
        }
    }
}

// MARK: - The parser

/// One part of a (possibly dotted) key, with where it was written.
struct TOMLKeyPart {
    var name: String
    var location: TextPosition
}

struct TOMLParser {
    /// Arrays and inline tables deeper than this are refused, so that a hostile file cannot
    /// exhaust the stack of the recursive descent.
    static let maximumNesting = 128
    /// Likewise for the parts of one key (each part is a level of tables).
    static let maximumKeyParts = 128

    private var cursor: SourceCursor
    private let root = TOMLTableBuilder(origin: .root, location: TextPosition(line: 1, column: 1))
    /// The table that key/value lines go into: the root, or the table of the last header.
    private var section: TOMLTableBuilder
    private var sectionPath: [String] = []
    private var nesting = 0
    /// Array elements read so far, in all arrays (see `ReaderLimits`).
    private var arrayElements = 0
    /// Keys defined so far, in all tables (see `ReaderLimits`).
    private var keys = 0

    init(_ cursor: SourceCursor) {
        self.cursor = cursor
        section = root
    }

    mutating func parseDocument() throws(ConfigSyntaxError) -> ConfigTable {
        cursor.skipByteOrderMark()
        while true {
            skipSpaces()
            guard let byte = cursor.current else { break }
            switch byte {
            case SourceByte.lineFeed, SourceByte.carriageReturn, SourceByte.hash:
                try expectEndOfLine(after: "the start of the line")
            case SourceByte.leftBracket:
                try parseHeader()
                try expectEndOfLine(after: "the table header")
            default:
                try parseKeyValue(into: section, path: sectionPath)
                try expectEndOfLine(after: "the value")
            }
        }
        return root.build()
    }

    // MARK: Lines, spaces and comments

    private mutating func skipSpaces() {
        while let byte = cursor.current, byte == SourceByte.space || byte == SourceByte.tab {
            cursor.advance()
        }
    }

    /// Spaces, line breaks and comments: what may stand between the elements of an array.
    private mutating func skipBlankSpace() throws(ConfigSyntaxError) {
        while let byte = cursor.current {
            switch byte {
            case SourceByte.space, SourceByte.tab, SourceByte.lineFeed:
                cursor.advance()
            case SourceByte.carriageReturn where cursor.isAtLineBreak:
                cursor.skipLineBreak()
            case SourceByte.hash:
                try skipComment()
            default:
                return
            }
        }
    }

    /// Skips a comment up to its line break. TOML forbids control characters in comments, so
    /// that a stray byte cannot hide there.
    private mutating func skipComment() throws(ConfigSyntaxError) {
        cursor.advance()
        while let byte = cursor.current, byte != SourceByte.lineFeed {
            if cursor.isAtLineBreak { return }
            if SourceByte.isControl(byte) {
                throw error("\(cursor.describeCurrent()) is not allowed in a comment")
            }
            cursor.advance()
        }
    }

    /// After a header or a key/value pair only spaces and a comment may follow on the line.
    private mutating func expectEndOfLine(after what: String) throws(ConfigSyntaxError) {
        skipSpaces()
        if cursor.current == SourceByte.hash { try skipComment() }
        guard let byte = cursor.current else { return }
        if cursor.isAtLineBreak {
            cursor.skipLineBreak()
        } else if byte == SourceByte.carriageReturn {
            throw error("control character U+000D (carriage return) is only allowed before a line feed")
        } else {
            throw error("unexpected \(cursor.describeCurrent()) after \(what); expected the end of the line")
        }
    }

    private func isAtEndOfLine() -> Bool {
        guard let byte = cursor.current else { return true }
        return byte == SourceByte.lineFeed || byte == SourceByte.carriageReturn || byte == SourceByte.hash
    }

    private mutating func error(_ message: String) -> ConfigSyntaxError {
        ConfigSyntaxError(message, at: cursor.location())
    }

    // MARK: Keys

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        SourceByte.isLetter(byte) || SourceByte.isDigit(byte) || byte == SourceByte.underscore || byte == SourceByte.minus
    }

    /// A key such as `name`, `"quoted key"` or `a.b."c"`, and the spaces after it.
    private mutating func parseKey() throws(ConfigSyntaxError) -> [TOMLKeyPart] {
        var parts: [TOMLKeyPart] = []
        while true {
            parts.append(try parseSimpleKey())
            skipSpaces()
            guard cursor.current == SourceByte.dot else { return parts }
            if parts.count == Self.maximumKeyParts {
                throw error("a key may have at most \(Self.maximumKeyParts) dotted parts")
            }
            cursor.advance()
            skipSpaces()
        }
    }

    private mutating func parseSimpleKey() throws(ConfigSyntaxError) -> TOMLKeyPart {
        let location = cursor.location()
        let name: String
        switch cursor.current {
        case SourceByte.quote?:
            if cursor.startsWith(Self.threeQuotes) {
                throw error("a key cannot be a multi-line string")
            }
            name = try parseBasicString()
        case SourceByte.apostrophe?:
            if cursor.startsWith(Self.threeApostrophes) {
                throw error("a key cannot be a multi-line string")
            }
            name = try parseLiteralString()
        default:
            let start = cursor.offset
            while let byte = cursor.current, Self.isBareKeyByte(byte) { cursor.advance() }
            guard cursor.offset > start else {
                throw error("expected a key, found \(cursor.describeCurrent())")
            }
            name = cursor.text(start..<cursor.offset)
        }
        return TOMLKeyPart(name: name, location: location)
    }

    /// How a key path is written in messages: `a.b."with space"`.
    static func describe(_ path: [String]) -> String {
        path.map { part in
            if !part.isEmpty && part.utf8.allSatisfy(isBareKeyByte) { return part }
            var quoted = "\""
            for scalar in part.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { quoted.append("\\") }
                quoted.unicodeScalars.append(scalar)
            }
            return quoted + "\""
        }.joined(separator: ".")
    }

    // MARK: Key/value pairs and dotted keys

    /// `key = value`, in the current section or in an inline table.
    private mutating func parseKeyValue(
        into table: TOMLTableBuilder, path: [String]
    ) throws(ConfigSyntaxError) {
        let keyLocation = cursor.location()
        let key = try parseKey()
        keys += 1
        if keys > ReaderLimits.maximumKeys { throw ReaderLimits.tooManyKeys(at: keyLocation) }
        guard cursor.current == SourceByte.equals else {
            throw error(
                "expected '=' after the key '\(Self.describe(key.map(\.name)))', found \(cursor.describeCurrent())")
        }
        cursor.advance()
        skipSpaces()
        if isAtEndOfLine() {
            throw error("missing value for the key '\(Self.describe(key.map(\.name)))'")
        }
        let node = try parseValue()
        try define(key, as: node, in: table, path: path)
    }

    /// Stores `node` under a dotted key, creating the intermediate tables that a dotted key
    /// implies (TOML 1.0: "Dotted keys create and define a table for each key part before the
    /// last one").
    private func define(
        _ key: [TOMLKeyPart], as node: ConfigNode, in table: TOMLTableBuilder, path: [String]
    ) throws(ConfigSyntaxError) {
        var target = table
        for position in 0..<(key.count - 1) {
            target = try dottedTable(
                key[position], in: target, path: path + key[...position].map(\.name))
        }
        let last = key[key.count - 1]
        if let existing = target.insertIfAbsent(last.name, .init(item: .value(node), keyLocation: last.location)) {
            throw ConfigSyntaxError(
                "duplicate key '\(Self.describe(path + key.map(\.name)))': already defined on line \(existing.keyLocation.line)",
                at: last.location)
        }
    }

    /// The table that the part of a dotted key names, created when missing.
    private func dottedTable(
        _ part: TOMLKeyPart, in table: TOMLTableBuilder, path: @autoclosure () -> [String]
    ) throws(ConfigSyntaxError) -> TOMLTableBuilder {
        guard let slot = table[part.name] else {
            let created = TOMLTableBuilder(origin: .dotted, location: part.location)
            table.insert(part.name, .init(item: .table(created), keyLocation: part.location))
            return created
        }
        switch slot.item {
        case .table(let existing) where existing.origin == .dotted:
            return existing
        case .table(let existing):
            // A table that a header created (even on the way to a sub-table) belongs to the
            // headers; toml-lang/toml#846 settled that dotted keys may not add to it.
            throw ConfigSyntaxError(
                "cannot add to the table '\(Self.describe(path()))' with a dotted key: it belongs to the table header on line \(existing.location.line)",
                at: part.location)
        case .arrayOfTables(let array):
            throw ConfigSyntaxError(
                "cannot add to '\(Self.describe(path()))' with a dotted key: it is an array of tables (line \(array.location.line))",
                at: part.location)
        case .value(let node):
            throw Self.notATable(path(), node, at: part.location)
        }
    }

    /// The error for using a finished value (a scalar, a static array or an inline table) as a
    /// table to add to.
    private static func notATable(
        _ path: [String], _ node: ConfigNode, at location: TextPosition
    ) -> ConfigSyntaxError {
        let name = describe(path)
        let line = node.location.map { " (line \($0.line))" } ?? ""
        let message =
            switch node.value {
            case .table:
                "cannot add to '\(name)': it is an inline table\(line), which must be complete where it is written"
            case .array:
                "cannot add to '\(name)': it is an array\(line), not an array of tables"
            default:
                "cannot use '\(name)' as a table: it is already \(node.value.typeName)\(line)"
            }
        return ConfigSyntaxError(message, at: location)
    }

    // MARK: Table headers

    /// `[a.b]` or `[[a.b]]`: the following key/value lines go into that table.
    private mutating func parseHeader() throws(ConfigSyntaxError) {
        let location = cursor.location()
        cursor.advance()
        let isArrayOfTables = cursor.current == SourceByte.leftBracket
        if isArrayOfTables { cursor.advance() }
        skipSpaces()
        let key = try parseKey()
        guard cursor.current == SourceByte.rightBracket,
            !isArrayOfTables || cursor.peek(1) == SourceByte.rightBracket
        else {
            let closing = isArrayOfTables ? "]]" : "]"
            throw error("expected '\(closing)' to close the table header, found \(cursor.describeCurrent())")
        }
        cursor.advance(by: isArrayOfTables ? 2 : 1)
        if isArrayOfTables {
            arrayElements += 1
            if arrayElements > ReaderLimits.maximumArrayElements { throw ReaderLimits.tooManyArrayElements(at: location) }
        }
        let table =
            if isArrayOfTables {
                try appendArrayElement(key, header: location)
            } else {
                try defineTable(key, header: location)
            }
        section = table
        sectionPath = key.map(\.name)
    }

    /// Walks a header's key up to its last part, creating the missing tables on the way. In an
    /// array of tables, a header goes on into the last element (TOML 1.0: `[fruit.physical]`
    /// after `[[fruit]]`).
    private func headerParent(
        of key: [TOMLKeyPart], header: TextPosition
    ) throws(ConfigSyntaxError) -> TOMLTableBuilder {
        var table = root
        for position in 0..<(key.count - 1) {
            let part = key[position]
            guard let slot = table[part.name] else {
                let created = TOMLTableBuilder(origin: .implicit, location: header)
                table.insert(part.name, .init(item: .table(created), keyLocation: part.location))
                table = created
                continue
            }
            switch slot.item {
            case .table(let existing):
                table = existing
            case .arrayOfTables(let array):
                table = array.elements[array.elements.count - 1]
            case .value(let node):
                throw Self.notATable(key[...position].map(\.name), node, at: part.location)
            }
        }
        return table
    }

    private func defineTable(
        _ key: [TOMLKeyPart], header: TextPosition
    ) throws(ConfigSyntaxError) -> TOMLTableBuilder {
        let parent = try headerParent(of: key, header: header)
        let last = key[key.count - 1]
        var name: String { Self.describe(key.map(\.name)) }
        guard let slot = parent[last.name] else {
            let table = TOMLTableBuilder(origin: .header, location: header)
            parent.insert(last.name, .init(item: .table(table), keyLocation: last.location))
            return table
        }
        switch slot.item {
        case .table(let existing) where existing.origin == .implicit:
            // Defined at last; from now on it is where this header stands.
            existing.origin = .header
            existing.location = header
            parent.setKeyLocation(last.location, of: last.name)
            return existing
        case .table(let existing) where existing.origin == .dotted:
            throw ConfigSyntaxError(
                "the table [\(name)] cannot be defined here: dotted keys already defined it on line \(existing.location.line)",
                at: header)
        case .table(let existing):
            throw ConfigSyntaxError(
                "the table [\(name)] is defined twice: first on line \(existing.location.line)",
                at: header)
        case .arrayOfTables(let array):
            throw ConfigSyntaxError(
                "[\(name)] cannot define a table: '\(name)' is an array of tables (line \(array.location.line))",
                at: header)
        case .value(let node):
            throw Self.notATable(key.map(\.name), node, at: last.location)
        }
    }

    private func appendArrayElement(
        _ key: [TOMLKeyPart], header: TextPosition
    ) throws(ConfigSyntaxError) -> TOMLTableBuilder {
        let parent = try headerParent(of: key, header: header)
        let last = key[key.count - 1]
        var name: String { Self.describe(key.map(\.name)) }
        let element = TOMLTableBuilder(origin: .arrayElement, location: header)
        guard let slot = parent[last.name] else {
            let array = TOMLArrayOfTablesBuilder(location: header, first: element)
            parent.insert(last.name, .init(item: .arrayOfTables(array), keyLocation: last.location))
            return element
        }
        switch slot.item {
        case .arrayOfTables(let array):
            array.elements.append(element)
            return element
        case .table(let existing):
            throw ConfigSyntaxError(
                "[[\(name)]] cannot define an array of tables: '\(name)' is already a table (line \(existing.location.line))",
                at: header)
        case .value(let node) where isArray(node):
            let line = node.location.map { " (line \($0.line))" } ?? ""
            throw ConfigSyntaxError(
                "[[\(name)]] cannot append to '\(name)': it is a static array\(line), not an array of tables",
                at: header)
        case .value(let node):
            throw Self.notATable(key.map(\.name), node, at: last.location)
        }
    }

    private func isArray(_ node: ConfigNode) -> Bool {
        if case .array = node.value { return true }
        return false
    }

    // MARK: Values

    static let threeQuotes: [UInt8] = [SourceByte.quote, SourceByte.quote, SourceByte.quote]
    static let threeApostrophes: [UInt8] = [SourceByte.apostrophe, SourceByte.apostrophe, SourceByte.apostrophe]

    private mutating func parseValue() throws(ConfigSyntaxError) -> ConfigNode {
        let location = cursor.location()
        guard let byte = cursor.current else {
            throw error("expected a value, found the end of the input")
        }
        let value: ConfigValue
        switch byte {
        case SourceByte.quote:
            value = .string(
                try cursor.startsWith(Self.threeQuotes)
                    ? parseMultilineString(literal: false) : parseBasicString())
        case SourceByte.apostrophe:
            value = .string(
                try cursor.startsWith(Self.threeApostrophes)
                    ? parseMultilineString(literal: true) : parseLiteralString())
        case SourceByte.leftBracket:
            value = try parseArray(openedAt: location)
        case SourceByte.leftBrace:
            value = .table(try parseInlineTable(openedAt: location))
        default:
            guard Self.isBareValueByte(byte) else {
                throw error("expected a value, found \(cursor.describeCurrent())")
            }
            value = try parseBareValue(at: location)
        }
        return ConfigNode(value, at: location)
    }

    private mutating func enterNesting(at location: TextPosition) throws(ConfigSyntaxError) {
        nesting += 1
        if nesting > Self.maximumNesting {
            throw ConfigSyntaxError(
                "arrays and inline tables are nested more than \(Self.maximumNesting) levels deep",
                at: location)
        }
    }

    /// `[ value, value, ]`, over as many lines as it likes, with comments.
    private mutating func parseArray(openedAt location: TextPosition) throws(ConfigSyntaxError) -> ConfigValue {
        try enterNesting(at: location)
        defer { nesting -= 1 }
        cursor.advance()
        var elements: [ConfigNode] = []
        while true {
            try skipBlankSpace()
            if cursor.current == SourceByte.rightBracket {
                cursor.advance()
                return .array(elements)
            }
            if cursor.isAtEnd {
                throw error("unterminated array: the '[' on line \(location.line) is never closed")
            }
            arrayElements += 1
            if arrayElements > ReaderLimits.maximumArrayElements {
                throw ReaderLimits.tooManyArrayElements(at: cursor.location())
            }
            elements.append(try parseValue())
            try skipBlankSpace()
            switch cursor.current {
            case SourceByte.comma?:
                cursor.advance()
            case SourceByte.rightBracket?:
                cursor.advance()
                return .array(elements)
            case nil:
                throw error("unterminated array: the '[' on line \(location.line) is never closed")
            default:
                throw error("expected ',' or ']' after an array element, found \(cursor.describeCurrent())")
            }
        }
    }

    /// `{ key = value, key = value }` on one line, with no trailing comma (TOML 1.0).
    private mutating func parseInlineTable(openedAt location: TextPosition) throws(ConfigSyntaxError) -> ConfigTable {
        try enterNesting(at: location)
        defer { nesting -= 1 }
        cursor.advance()
        let table = TOMLTableBuilder(origin: .root, location: location)
        skipSpaces()
        if cursor.current == SourceByte.rightBrace {
            cursor.advance()
            return table.build()
        }
        while true {
            skipSpaces()
            if isAtEndOfLine() {
                throw error("an inline table must be closed on the line where it starts (line \(location.line))")
            }
            if cursor.current == SourceByte.rightBrace {
                throw error("a trailing comma is not allowed in an inline table")
            }
            try parseKeyValue(into: table, path: [])
            skipSpaces()
            switch cursor.current {
            case SourceByte.comma?:
                cursor.advance()
            case SourceByte.rightBrace?:
                cursor.advance()
                return table.build()
            default:
                if isAtEndOfLine() {
                    throw error("an inline table must be closed on the line where it starts (line \(location.line))")
                }
                throw error("expected ',' or '}' in an inline table, found \(cursor.describeCurrent())")
            }
        }
    }

    // MARK: Strings

    private func unterminatedString(openedAt location: TextPosition, multiline: Bool) -> ConfigSyntaxError {
        let hint =
            multiline
            ? "the multi-line string is never closed"
            : "a single-line string must end on the line where it starts (use \"\"\" or ''' for a multi-line string)"
        return ConfigSyntaxError("unterminated string: \(hint)", at: location)
    }

    private mutating func controlCharacterInString() -> ConfigSyntaxError {
        error("\(cursor.describeCurrent()) is not allowed in a string; write it as an escape such as \\t or \\u0001")
    }

    /// `"..."` with escapes.
    private mutating func parseBasicString() throws(ConfigSyntaxError) -> String {
        let opening = cursor.location()
        cursor.advance()
        var buffer: [UInt8] = []
        while true {
            guard let byte = cursor.current else {
                throw unterminatedString(openedAt: opening, multiline: false)
            }
            switch byte {
            case SourceByte.quote:
                cursor.advance()
                return String(decoding: buffer, as: UTF8.self)
            case SourceByte.backslash:
                try appendEscape(to: &buffer)
            default:
                if cursor.isAtLineBreak { throw unterminatedString(openedAt: opening, multiline: false) }
                if SourceByte.isControl(byte) { throw controlCharacterInString() }
                buffer.append(byte)
                cursor.advance()
            }
        }
    }

    /// `'...'`: no escapes, the text is taken as it is.
    private mutating func parseLiteralString() throws(ConfigSyntaxError) -> String {
        let opening = cursor.location()
        cursor.advance()
        let start = cursor.offset
        while true {
            guard let byte = cursor.current else {
                throw unterminatedString(openedAt: opening, multiline: false)
            }
            if byte == SourceByte.apostrophe {
                let text = cursor.text(start..<cursor.offset)
                cursor.advance()
                return text
            }
            if cursor.isAtLineBreak { throw unterminatedString(openedAt: opening, multiline: false) }
            if SourceByte.isControl(byte) { throw controlCharacterInString() }
            cursor.advance()
        }
    }

    /// `"""..."""` (escapes, line-ending backslash) or `'''...'''` (taken as it is).
    private mutating func parseMultilineString(literal: Bool) throws(ConfigSyntaxError) -> String {
        let opening = cursor.location()
        let delimiter = literal ? SourceByte.apostrophe : SourceByte.quote
        cursor.advance(by: 3)
        // "A newline immediately following the opening delimiter will be trimmed."
        if cursor.isAtLineBreak { cursor.skipLineBreak() }
        var buffer: [UInt8] = []
        while true {
            guard let byte = cursor.current else {
                throw unterminatedString(openedAt: opening, multiline: true)
            }
            switch byte {
            case delimiter:
                if try consumeQuoteRun(delimiter, into: &buffer) {
                    return String(decoding: buffer, as: UTF8.self)
                }
            case SourceByte.backslash where !literal:
                if isAtLineEndingBackslash() {
                    skipLineEndingBackslash()
                } else {
                    try appendEscape(to: &buffer)
                }
            default:
                if cursor.isAtLineBreak {
                    // CRLF is stored as LF, so the value does not depend on the editor.
                    buffer.append(SourceByte.lineFeed)
                    cursor.skipLineBreak()
                } else if SourceByte.isControl(byte) {
                    throw controlCharacterInString()
                } else {
                    buffer.append(byte)
                    cursor.advance()
                }
            }
        }
    }

    /// At a run of delimiter characters inside a multi-line string. Up to two of them may stand
    /// right before the closing three (`""""` ends the string with one quote). Returns whether
    /// the run closed the string.
    private mutating func consumeQuoteRun(
        _ delimiter: UInt8, into buffer: inout [UInt8]
    ) throws(ConfigSyntaxError) -> Bool {
        var count = 0
        while cursor.peek(count) == delimiter { count += 1 }
        if count > 5 {
            throw error("a multi-line string cannot contain three quotes in a row; escape one of them")
        }
        let kept = count >= 3 ? count - 3 : count
        for _ in 0..<kept { buffer.append(delimiter) }
        cursor.advance(by: count)
        return count >= 3
    }

    /// A backslash that is the last non-blank character of its line: it joins the lines,
    /// dropping the line break and the blank space that follows.
    private func isAtLineEndingBackslash() -> Bool {
        var distance = 1
        while let byte = cursor.peek(distance), byte == SourceByte.space || byte == SourceByte.tab {
            distance += 1
        }
        let next = cursor.peek(distance)
        return next == SourceByte.lineFeed
            || (next == SourceByte.carriageReturn && cursor.peek(distance + 1) == SourceByte.lineFeed)
    }

    private mutating func skipLineEndingBackslash() {
        cursor.advance()
        while let byte = cursor.current {
            if byte == SourceByte.space || byte == SourceByte.tab || byte == SourceByte.lineFeed {
                cursor.advance()
            } else if cursor.isAtLineBreak {
                cursor.skipLineBreak()
            } else {
                return
            }
        }
    }

    /// An escape sequence of a basic string, at its backslash.
    private mutating func appendEscape(to buffer: inout [UInt8]) throws(ConfigSyntaxError) {
        let location = cursor.location()
        cursor.advance()
        let simple: UInt8? =
            switch cursor.current {
            case SourceByte.lowerB?: 0x08
            case SourceByte.lowerT?: SourceByte.tab
            case SourceByte.lowerN?: SourceByte.lineFeed
            case SourceByte.lowerF?: 0x0C
            case SourceByte.lowerR?: SourceByte.carriageReturn
            case SourceByte.quote?: SourceByte.quote
            case SourceByte.backslash?: SourceByte.backslash
            default: nil
            }
        if let simple {
            buffer.append(simple)
            cursor.advance()
            return
        }
        switch cursor.current {
        case SourceByte.lowerU?:
            cursor.advance()
            try appendUnicodeEscape(digits: 4, escapeAt: location, to: &buffer)
        case SourceByte.upperU?:
            cursor.advance()
            try appendUnicodeEscape(digits: 8, escapeAt: location, to: &buffer)
        default:
            let written = cursor.printableCurrent().map { "'\\\($0)'" } ?? "a backslash before \(cursor.describeCurrent())"
            throw ConfigSyntaxError(
                "invalid escape \(written); the escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX",
                at: location)
        }
    }

    /// `\uXXXX` or `\UXXXXXXXX`: exactly that many hex digits naming a Unicode scalar value.
    private mutating func appendUnicodeEscape(
        digits: Int, escapeAt location: TextPosition, to buffer: inout [UInt8]
    ) throws(ConfigSyntaxError) {
        let letter = digits == 4 ? "u" : "U"
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = cursor.current, let digit = SourceByte.hexValue(byte) else {
                throw ConfigSyntaxError(
                    "invalid escape: \\\(letter) must be followed by exactly \(digits) hexadecimal digits",
                    at: location)
            }
            value = value << 4 | digit
            cursor.advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw ConfigSyntaxError(
                "invalid escape: \(SourceCursor.codePoint(value)) is not a Unicode scalar value (surrogates and values above U+10FFFF are not allowed)",
                at: location)
        }
        UTF8.encode(scalar) { buffer.append($0) }
    }

    // MARK: Booleans, numbers, dates

    /// Booleans, numbers and dates are runs of these bytes. Reading the whole run first lets
    /// error messages show the value as it was written.
    private static func isBareValueByte(_ byte: UInt8) -> Bool {
        SourceByte.isLetter(byte) || SourceByte.isDigit(byte) || byte == SourceByte.underscore || byte == SourceByte.plus
            || byte == SourceByte.minus || byte == SourceByte.dot || byte == SourceByte.colon
    }

    private mutating func parseBareValue(at location: TextPosition) throws(ConfigSyntaxError) -> ConfigValue {
        let start = cursor.offset
        while let byte = cursor.current, Self.isBareValueByte(byte) { cursor.advance() }
        let token = cursor.slice(start..<cursor.offset)
        // Most numbers in a description are small plain integers: read those without the
        // general machinery below.
        if let value = TOMLNumber.plainDecimal(token) { return .integer(value) }
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if TOMLNumber.looksLikeDateOrTime(ArraySlice(token)) {
            throw ConfigSyntaxError(
                "date and time values are not supported ('\(text)'); write the value as a string",
                at: location)
        }
        return try TOMLNumber.parse(ArraySlice(token), text: text, at: location)
    }
}

// MARK: - Numbers

/// Integers and floats as TOML 1.0 writes them: `+1_000`, `0xdead_beef`, `0o755`, `0b1101`,
/// `-3.14`, `6.02e23`.
enum TOMLNumber {
    static func parse(
        _ token: ArraySlice<UInt8>, text: String, at location: TextPosition
    ) throws(ConfigSyntaxError) -> ConfigValue {
        var body = token
        let sign = body.first
        let hasSign = sign == SourceByte.plus || sign == SourceByte.minus
        if hasSign { body = body.dropFirst() }
        guard let first = body.first else {
            throw ConfigSyntaxError("invalid number '\(text)'", at: location)
        }
        if SourceByte.isLetter(first) {
            throw ConfigSyntaxError(
                "invalid value '\(text)'; a string must be written in quotes", at: location)
        }
        if body.count >= 2 && first == SourceByte.zero, let radix = radixOf(body[body.startIndex + 1]) {
            if hasSign {
                throw ConfigSyntaxError(
                    "invalid integer '\(text)': a sign is not allowed on a hexadecimal, octal or binary integer",
                    at: location)
            }
            guard let value = try radixInteger(body.dropFirst(2), radix: radix, text: text, at: location) else {
                return .unusable(UnusableLiteral(.integerOutOfRange, text: text))
            }
            return .integer(value)
        }
        if body.contains(where: { $0 == SourceByte.dot || $0 == SourceByte.lowerE || $0 == SourceByte.upperE }) {
            guard let value = try float(body, negative: sign == SourceByte.minus, text: text, at: location) else {
                return .unusable(UnusableLiteral(.floatOutOfRange, text: text))
            }
            return .float(value)
        }
        guard let value = try decimalInteger(body, negative: sign == SourceByte.minus, text: text, at: location) else {
            return .unusable(UnusableLiteral(.integerOutOfRange, text: text))
        }
        return .integer(value)
    }

    /// The value of a token of at most 18 digits without sign, underscore or leading zero
    /// (so that it cannot overflow); nil for anything else.
    static func plainDecimal(_ token: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard token.count >= 1 && token.count <= 18, token.count == 1 || token[0] != SourceByte.zero else {
            return nil
        }
        var value: Int64 = 0
        for index in 0..<token.count {
            let byte = token[index]
            guard SourceByte.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - SourceByte.zero)
        }
        return value
    }

    /// A date `1979-05-27...` or a time `07:32:00...`.
    static func looksLikeDateOrTime(_ token: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(token.prefix(5))
        func startsWithDigits(_ count: Int) -> Bool {
            bytes.count > count && bytes[0..<count].allSatisfy(SourceByte.isDigit)
        }
        return (startsWithDigits(4) && bytes[4] == SourceByte.minus)
            || (startsWithDigits(2) && bytes[2] == SourceByte.colon)
    }

    private static func radixOf(_ letter: UInt8) -> Int? {
        switch letter {
        case SourceByte.lowerX: 16
        case SourceByte.lowerO: 8
        case SourceByte.lowerB: 2
        default: nil
        }
    }

    private static func digitValue(_ byte: UInt8, radix: Int) -> Int? {
        guard let value = SourceByte.hexValue(byte), Int(value) < radix else { return nil }
        return Int(value)
    }

    /// The digits of `run` without its underscores, or nil unless `run` is a non-empty run of
    /// digits in which every underscore stands between two digits.
    private static func digitRun(
        _ run: ArraySlice<UInt8>, radix: Int = 10
    ) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(run.count)
        var previousWasDigit = false
        for byte in run {
            if byte == SourceByte.underscore {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else if digitValue(byte, radix: radix) != nil {
                result.append(byte)
                previousWasDigit = true
            } else {
                return nil
            }
        }
        return previousWasDigit ? result : nil
    }

    private static func invalid(_ kind: String, _ text: String, at location: TextPosition) -> ConfigSyntaxError {
        let hint =
            text.contains("_")
            ? " (digits only, and each underscore between two digits)" : ""
        return ConfigSyntaxError("invalid \(kind) '\(text)'\(hint)", at: location)
    }

    /// The integer, or nil when it is well formed but beyond 64 bits (the decoder refuses it
    /// under its key, see `ConfigValue.unusable`).
    private static func decimalInteger(
        _ body: ArraySlice<UInt8>, negative: Bool, text: String, at location: TextPosition
    ) throws(ConfigSyntaxError) -> Int64? {
        guard let digits = digitRun(body) else { throw invalid("integer", text, at: location) }
        if digits.count > 1 && digits[0] == SourceByte.zero {
            throw ConfigSyntaxError("invalid integer '\(text)': leading zeros are not allowed", at: location)
        }
        // Accumulate the magnitude unsigned, so that -9223372036854775808 fits.
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard let magnitude = accumulate(digits, radix: 10, limit: limit) else { return nil }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    private static func radixInteger(
        _ body: ArraySlice<UInt8>, radix: Int, text: String, at location: TextPosition
    ) throws(ConfigSyntaxError) -> Int64? {
        guard let digits = digitRun(body, radix: radix) else { throw invalid("integer", text, at: location) }
        guard let value = accumulate(digits, radix: radix, limit: UInt64(Int64.max)) else { return nil }
        return Int64(value)
    }

    /// The value of validated digits, or nil when it exceeds `limit`.
    private static func accumulate(_ digits: [UInt8], radix: Int, limit: UInt64) -> UInt64? {
        var value: UInt64 = 0
        for byte in digits {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(digitValue(byte, radix: radix)!))
            if overflow || carry || sum > limit { return nil }
            value = sum
        }
        return value
    }

    /// `int [. digits] [e|E [sign] digits]`, with at least a fraction or an exponent; nil when
    /// it is well formed but beyond a double.
    private static func float(
        _ body: ArraySlice<UInt8>, negative: Bool, text: String, at location: TextPosition
    ) throws(ConfigSyntaxError) -> Double? {
        let exponentStart = body.firstIndex { $0 == SourceByte.lowerE || $0 == SourceByte.upperE }
        let mantissa = body[..<(exponentStart ?? body.endIndex)]
        let dot = mantissa.firstIndex(of: SourceByte.dot)
        guard let integerDigits = digitRun(mantissa[..<(dot ?? mantissa.endIndex)]) else {
            throw invalid("float", text, at: location)
        }
        if integerDigits.count > 1 && integerDigits[0] == SourceByte.zero {
            throw ConfigSyntaxError("invalid float '\(text)': leading zeros are not allowed", at: location)
        }
        // Rebuild the number without underscores in the syntax that `Double.init` reads.
        var normalized: [UInt8] = negative ? [SourceByte.minus] : []
        normalized += integerDigits
        if let dot {
            guard let fraction = digitRun(mantissa[(dot + 1)...]) else {
                throw ConfigSyntaxError(
                    "invalid float '\(text)': a decimal point must have digits on both sides", at: location)
            }
            normalized += [SourceByte.dot] + fraction
        }
        if let exponentStart {
            var exponent = body[(exponentStart + 1)...]
            normalized.append(SourceByte.lowerE)
            if let sign = exponent.first, sign == SourceByte.plus || sign == SourceByte.minus {
                normalized.append(sign)
                exponent = exponent.dropFirst()
            }
            // The exponent is the one place where leading zeros are allowed.
            guard let exponentDigits = digitRun(exponent) else {
                throw ConfigSyntaxError(
                    "invalid float '\(text)': the exponent must be digits after 'e'", at: location)
            }
            normalized += exponentDigits
        }
        guard let value = Double(String(decoding: normalized, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
