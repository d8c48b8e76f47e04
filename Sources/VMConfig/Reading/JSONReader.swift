/// Reads an RFC 8259 JSON document whose top level is an object into a `ConfigTable` in which
/// every value and key knows its line.
///
/// Two choices keep a description unambiguous: `null` is refused (a key is either given or
/// omitted), and an integer literal that does not fit in 64 bits is an error rather than a
/// silently rounded float. Both are read as `ConfigValue.unusable`, which the decoder refuses
/// under the key they stand for, saying what that key accepts.
///
/// Time and memory are linear in the input: the cursor counts lines as it goes and caches the
/// column along a line, integers are read from their bytes without a String, and the number
/// of array elements in one document is capped (`maximumArrayElements`).
public enum JSONReader {
    public static func read(_ text: String) throws(ConfigSyntaxError) -> ConfigTable {
        try SourceCursor.reading(text) { cursor throws(ConfigSyntaxError) in
            var parser = JSONParser(cursor)
            return try parser.parseDocument()
        }
    }
}

struct JSONParser {
    /// Arrays and objects deeper than this are refused, so that a hostile file cannot exhaust
    /// the stack of the recursive descent.
    static let maximumNesting = 128

    private var cursor: SourceCursor
    private var nesting = 0
    /// Array elements read so far, in all arrays (see `ReaderLimits`).
    private var arrayElements = 0
    /// Object keys read so far, in all objects (see `ReaderLimits`).
    private var keyCount = 0

    init(_ cursor: SourceCursor) {
        self.cursor = cursor
    }

    mutating func parseDocument() throws(ConfigSyntaxError) -> ConfigTable {
        cursor.skipByteOrderMark()
        skipWhitespace()
        guard cursor.current == SourceByte.leftBrace else {
            if cursor.isAtEnd { throw error("the document is empty; expected a JSON object '{ ... }'") }
            throw error("the top level must be a JSON object '{ ... }', found \(cursor.describeCurrent())")
        }
        let table = try parseObject(openedAt: cursor.location())
        skipWhitespace()
        guard cursor.isAtEnd else {
            throw error("unexpected \(cursor.describeCurrent()) after the end of the top-level object")
        }
        return table
    }

    // MARK: Helpers

    private mutating func error(_ message: String) -> ConfigSyntaxError {
        ConfigSyntaxError(message, at: cursor.location())
    }

    /// JSON whitespace: space, tab, line feed and carriage return (and nothing else).
    private mutating func skipWhitespace() {
        while let byte = cursor.current,
            byte == SourceByte.space || byte == SourceByte.lineFeed || byte == SourceByte.tab || byte == SourceByte.carriageReturn
        {
            cursor.advance()
        }
    }

    private mutating func enterNesting(at location: TextPosition) throws(ConfigSyntaxError) {
        nesting += 1
        if nesting > Self.maximumNesting {
            throw ConfigSyntaxError(
                "arrays and objects are nested more than \(Self.maximumNesting) levels deep", at: location)
        }
    }

    // MARK: Containers

    /// `{ "key": value, ... }`, at its `{`.
    private mutating func parseObject(openedAt location: TextPosition) throws(ConfigSyntaxError) -> ConfigTable {
        try enterNesting(at: location)
        defer { nesting -= 1 }
        cursor.advance()
        var entries: [ConfigTable.Entry] = []
        var keys = KeyIndex()
        skipWhitespace()
        if cursor.current == SourceByte.rightBrace {
            cursor.advance()
            return ConfigTable(entries)
        }
        while true {
            skipWhitespace()
            let keyLocation = cursor.location()
            guard cursor.current == SourceByte.quote else {
                if cursor.isAtEnd { throw unterminated("object", openedAt: location) }
                throw error("expected a key in double quotes, found \(cursor.describeCurrent())")
            }
            let key = try parseString()
            keyCount += 1
            if keyCount > ReaderLimits.maximumKeys { throw ReaderLimits.tooManyKeys(at: keyLocation) }
            // One hash per key: a document may have millions of them.
            if let first = keys.insertIfAbsent(key, isKey: { entries[$0].key == key }) {
                let firstLine = entries[first].keyLocation?.line ?? 0
                throw ConfigSyntaxError(
                    "duplicate key '\(key)' on line \(keyLocation.line): already defined on line \(firstLine)",
                    at: keyLocation)
            }
            skipWhitespace()
            guard cursor.current == SourceByte.colon else {
                throw error("expected ':' after the key '\(key)', found \(cursor.describeCurrent())")
            }
            cursor.advance()
            skipWhitespace()
            let node = try parseValue()
            entries.append(ConfigTable.Entry(key: key, node: node, keyLocation: keyLocation))
            skipWhitespace()
            switch cursor.current {
            case SourceByte.comma?:
                try skipComma(closing: SourceByte.rightBrace, in: "object")
            case SourceByte.rightBrace?:
                cursor.advance()
                return ConfigTable(entries)
            case nil:
                throw unterminated("object", openedAt: location)
            default:
                throw error("expected ',' or '}' after the value of '\(key)', found \(cursor.describeCurrent())")
            }
        }
    }

    /// `[ value, ... ]`, at its `[`.
    private mutating func parseArray(openedAt location: TextPosition) throws(ConfigSyntaxError) -> ConfigValue {
        try enterNesting(at: location)
        defer { nesting -= 1 }
        cursor.advance()
        var elements: [ConfigNode] = []
        skipWhitespace()
        if cursor.current == SourceByte.rightBracket {
            cursor.advance()
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if cursor.isAtEnd { throw unterminated("array", openedAt: location) }
            arrayElements += 1
            if arrayElements > ReaderLimits.maximumArrayElements {
                throw ReaderLimits.tooManyArrayElements(at: cursor.location())
            }
            elements.append(try parseValue())
            skipWhitespace()
            switch cursor.current {
            case SourceByte.comma?:
                try skipComma(closing: SourceByte.rightBracket, in: "array")
            case SourceByte.rightBracket?:
                cursor.advance()
                return .array(elements)
            case nil:
                throw unterminated("array", openedAt: location)
            default:
                throw error("expected ',' or ']' after an array element, found \(cursor.describeCurrent())")
            }
        }
    }

    /// Steps over a comma, refusing one that is followed by the closing bracket (JSON has no
    /// trailing commas, and a description that has one was probably edited by hand: say so).
    private mutating func skipComma(closing: UInt8, in container: String) throws(ConfigSyntaxError) {
        let commaLocation = cursor.location()
        cursor.advance()
        skipWhitespace()
        if cursor.current == closing {
            throw ConfigSyntaxError("a trailing comma is not allowed in a JSON \(container)", at: commaLocation)
        }
    }

    private func unterminated(_ container: String, openedAt location: TextPosition) -> ConfigSyntaxError {
        let bracket = container == "object" ? "{" : "["
        return ConfigSyntaxError(
            "unterminated \(container): the end of the input comes before the '\(bracket)' of line \(location.line) is closed",
            at: cursor.isAtEnd ? endLocation() : location)
    }

    private func endLocation() -> TextPosition {
        var copy = cursor
        return copy.location()
    }

    // MARK: Values

    private mutating func parseValue() throws(ConfigSyntaxError) -> ConfigNode {
        let location = cursor.location()
        guard let byte = cursor.current else {
            throw error("expected a value, found the end of the input")
        }
        let value: ConfigValue
        switch byte {
        case SourceByte.quote:
            value = .string(try parseString())
        case SourceByte.leftBrace:
            value = .table(try parseObject(openedAt: location))
        case SourceByte.leftBracket:
            value = try parseArray(openedAt: location)
        case SourceByte.minus, SourceByte.zero...SourceByte.nine:
            value = try parseNumber(at: location)
        default:
            guard SourceByte.isLetter(byte) else {
                throw error("expected a value, found \(cursor.describeCurrent())")
            }
            value = try parseLiteral(at: location)
        }
        return ConfigNode(value, at: location)
    }

    /// `true`, `false`, and the refused `null`.
    private mutating func parseLiteral(at location: TextPosition) throws(ConfigSyntaxError) -> ConfigValue {
        let start = cursor.offset
        while let byte = cursor.current, SourceByte.isLetter(byte) || SourceByte.isDigit(byte) || byte == SourceByte.underscore {
            cursor.advance()
        }
        switch cursor.text(start..<cursor.offset) {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .unusable(UnusableLiteral(.null, text: "null"))
        case let word:
            throw ConfigSyntaxError(
                "unexpected '\(word)'; expected a value (a string must be in double quotes)", at: location)
        }
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Without a fraction or an
    /// exponent it is an integer, which must fit in 64 bits.
    private mutating func parseNumber(at location: TextPosition) throws(ConfigSyntaxError) -> ConfigValue {
        let start = cursor.offset
        if cursor.current == SourceByte.minus { cursor.advance() }
        if cursor.current == SourceByte.zero {
            cursor.advance()
            if let byte = cursor.current, SourceByte.isDigit(byte) {
                throw ConfigSyntaxError(
                    "invalid number '\(numberText(from: start))': leading zeros are not allowed", at: location)
            }
        } else if !skipDigits() {
            throw ConfigSyntaxError(
                "invalid number '\(numberText(from: start))': expected a digit", at: location)
        }
        var isInteger = true
        if cursor.current == SourceByte.dot {
            isInteger = false
            cursor.advance()
            guard skipDigits() else {
                throw ConfigSyntaxError(
                    "invalid number '\(numberText(from: start))': a decimal point must be followed by digits",
                    at: location)
            }
        }
        if cursor.current == SourceByte.lowerE || cursor.current == SourceByte.upperE {
            isInteger = false
            cursor.advance()
            if cursor.current == SourceByte.plus || cursor.current == SourceByte.minus { cursor.advance() }
            guard skipDigits() else {
                throw ConfigSyntaxError(
                    "invalid number '\(numberText(from: start))': an exponent must have digits", at: location)
            }
        }
        if isInteger {
            guard let value = integerValue(start..<cursor.offset) else {
                return .unusable(UnusableLiteral(.integerOutOfRange, text: cursor.text(start..<cursor.offset)))
            }
            return .integer(value)
        }
        let text = cursor.text(start..<cursor.offset)
        guard let value = Double(text), value.isFinite else {
            return .unusable(UnusableLiteral(.floatOutOfRange, text: text))
        }
        return .float(value)
    }

    /// The value of an integer literal already checked by the grammar (`-?digits`), nil when
    /// it does not fit in 64 bits. Read from the bytes: making a String of every number and
    /// parsing it was most of the time a large array took.
    private func integerValue(_ range: Range<Int>) -> Int64? {
        var index = range.lowerBound
        let negative = cursor.bytes[index] == SourceByte.minus
        if negative { index += 1 }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        var magnitude: UInt64 = 0
        while index < range.upperBound {
            let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(cursor.bytes[index] - SourceByte.zero))
            if overflow || carry || sum > limit { return nil }
            magnitude = sum
            index += 1
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// Skips a run of digits; false when there was none.
    private mutating func skipDigits() -> Bool {
        let start = cursor.offset
        while let byte = cursor.current, SourceByte.isDigit(byte) { cursor.advance() }
        return cursor.offset > start
    }

    /// The number as written so far plus the rest of its word, for messages.
    private func numberText(from start: Int) -> String {
        var end = cursor.offset
        while end < cursor.bytes.count, SourceByte.isLetter(cursor.bytes[end]) || SourceByte.isDigit(cursor.bytes[end])
            || cursor.bytes[end] == SourceByte.dot || cursor.bytes[end] == SourceByte.plus || cursor.bytes[end] == SourceByte.minus
        {
            end += 1
        }
        return cursor.text(start..<end)
    }

    // MARK: Strings

    /// `"..."` with JSON's escapes, at the opening quote.
    private mutating func parseString() throws(ConfigSyntaxError) -> String {
        let opening = cursor.location()
        cursor.advance()
        var buffer: [UInt8] = []
        while true {
            guard let byte = cursor.current else {
                throw ConfigSyntaxError("unterminated string: the input ends before its closing quote", at: opening)
            }
            switch byte {
            case SourceByte.quote:
                cursor.advance()
                return String(decoding: buffer, as: UTF8.self)
            case SourceByte.backslash:
                try appendEscape(to: &buffer)
            case SourceByte.lineFeed, SourceByte.carriageReturn:
                throw ConfigSyntaxError(
                    "unterminated string: a JSON string must end on the line where it starts (write \\n for a line break)",
                    at: opening)
            case 0x00..<SourceByte.space:
                throw error("\(cursor.describeCurrent()) is not allowed in a string; write it as an escape such as \\t or \\u0001")
            default:
                buffer.append(byte)
                cursor.advance()
            }
        }
    }

    private mutating func appendEscape(to buffer: inout [UInt8]) throws(ConfigSyntaxError) {
        let location = cursor.location()
        cursor.advance()
        let simple: UInt8? =
            switch cursor.current {
            case SourceByte.quote?: SourceByte.quote
            case SourceByte.backslash?: SourceByte.backslash
            case SourceByte.slash?: SourceByte.slash
            case SourceByte.lowerB?: 0x08
            case SourceByte.lowerF?: 0x0C
            case SourceByte.lowerN?: SourceByte.lineFeed
            case SourceByte.lowerR?: SourceByte.carriageReturn
            case SourceByte.lowerT?: SourceByte.tab
            default: nil
            }
        if let simple {
            buffer.append(simple)
            cursor.advance()
            return
        }
        guard cursor.current == SourceByte.lowerU else {
            let written = cursor.printableCurrent().map { "'\\\($0)'" } ?? "a backslash before \(cursor.describeCurrent())"
            throw ConfigSyntaxError(
                "invalid escape \(written); the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                at: location)
        }
        cursor.advance()
        let scalar = try parseUnicodeEscape(escapeAt: location)
        UTF8.encode(scalar) { buffer.append($0) }
    }

    /// The rest of a `\uXXXX` escape; a character outside the Basic Multilingual Plane is
    /// written as a surrogate pair, `\uD83D\uDE00`, which must come whole.
    private mutating func parseUnicodeEscape(escapeAt location: TextPosition) throws(ConfigSyntaxError) -> Unicode.Scalar {
        let first = try fourHexDigits(escapeAt: location)
        switch first {
        case 0xD800...0xDBFF:
            let lowLocation = cursor.location()
            guard cursor.current == SourceByte.backslash, cursor.peek(1) == SourceByte.lowerU else {
                throw ConfigSyntaxError(
                    "invalid escape: \(SourceCursor.codePoint(first)) is a high surrogate and must be followed by a low surrogate escape \\uDC00...\\uDFFF",
                    at: location)
            }
            cursor.advance(by: 2)
            let second = try fourHexDigits(escapeAt: lowLocation)
            guard (0xDC00...0xDFFF).contains(second) else {
                throw ConfigSyntaxError(
                    "invalid escape: \(SourceCursor.codePoint(first)) is a high surrogate and must be followed by a low surrogate, not \(SourceCursor.codePoint(second))",
                    at: location)
            }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw ConfigSyntaxError(
                "invalid escape: \(SourceCursor.codePoint(first)) is a low surrogate without a high surrogate before it",
                at: location)
        default:
            return Unicode.Scalar(first)!
        }
    }

    private mutating func fourHexDigits(escapeAt location: TextPosition) throws(ConfigSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = cursor.current, let digit = SourceByte.hexValue(byte) else {
                throw ConfigSyntaxError(
                    "invalid escape: \\u must be followed by exactly 4 hexadecimal digits", at: location)
            }
            value = value << 4 | digit
            cursor.advance()
        }
        return value
    }
}
