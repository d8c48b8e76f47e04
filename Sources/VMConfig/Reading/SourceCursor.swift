/// A cursor over the UTF-8 bytes of a source text, shared by the TOML and JSON readers.
///
/// The readers work on bytes rather than `Character`s: every byte that matters to the grammar
/// is ASCII, and grapheme breaking would make a large file slow to read. The cursor counts lines
/// as it moves, so that any value's location is known without a second pass.
///
/// The bytes are the text's own UTF-8 storage, borrowed for the length of one read
/// (`reading(_:_:)`): an array would be retained and released on every byte read in a debug
/// build, which made reading a 1 MB file several times slower, and a copy of a 50 MB file is
/// 50 MB more.
struct SourceCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0
    private(set) var line = 1
    /// Offset of the first byte of the current line.
    private var lineStart = 0
    /// The last column computed, so that asking for several locations along one long line
    /// (minified JSON) does not count the line from its start every time.
    private var columnCacheOffset = 0
    private var columnCacheValue = 1

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// `body` with a cursor at the start of `text`; the cursor must not outlive it.
    static func reading<Result>(
        _ text: String, _ body: (SourceCursor) throws(ConfigSyntaxError) -> Result
    ) throws(ConfigSyntaxError) -> Result {
        var text = text
        let outcome = text.withUTF8 { bytes in
            Swift.Result { () throws(ConfigSyntaxError) in try body(SourceCursor(bytes)) }
        }
        return try outcome.get()
    }

    var isAtEnd: Bool { offset >= bytes.count }

    /// Steps over a UTF-8 byte order mark, which some editors write; it is not part of the first
    /// line's columns.
    mutating func skipByteOrderMark() {
        guard offset == 0, startsWith([0xEF, 0xBB, 0xBF]) else { return }
        offset = 3
        lineStart = 3
        columnCacheOffset = 3
    }

    /// The byte under the cursor, nil at the end of the input.
    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    /// The byte `distance` bytes after the cursor, nil past the end of the input.
    func peek(_ distance: Int) -> UInt8? {
        let index = offset + distance
        return index < bytes.count ? bytes[index] : nil
    }

    /// Whether the input at the cursor starts with `prefix` (ASCII bytes).
    func startsWith(_ prefix: [UInt8]) -> Bool {
        guard offset + prefix.count <= bytes.count else { return false }
        for index in 0..<prefix.count where bytes[offset + index] != prefix[index] { return false }
        return true
    }

    /// At a line break: a line feed, or a carriage return and a line feed. A lone carriage
    /// return is not one.
    var isAtLineBreak: Bool {
        guard let byte = current else { return false }
        if byte == SourceByte.lineFeed { return true }
        return byte == SourceByte.carriageReturn && peek(1) == SourceByte.lineFeed
    }

    /// Moves past the line break under the cursor (see `isAtLineBreak`).
    mutating func skipLineBreak() {
        advance(by: current == SourceByte.carriageReturn ? 2 : 1)
    }

    /// Moves past one byte, counting a line feed as the start of a new line.
    mutating func advance() {
        if bytes[offset] == SourceByte.lineFeed {
            line += 1
            lineStart = offset + 1
        }
        offset += 1
    }

    mutating func advance(by count: Int) {
        for _ in 0..<count { advance() }
    }

    /// The location of the cursor. Columns count Unicode scalars, so that a column matches what
    /// an editor shows for text without combining marks.
    mutating func location() -> TextPosition {
        var start = lineStart
        var column = 1
        if columnCacheOffset >= lineStart && columnCacheOffset <= offset {
            start = columnCacheOffset
            column = columnCacheValue
        }
        for index in start..<offset where bytes[index] & 0xC0 != 0x80 {
            column += 1
        }
        columnCacheOffset = offset
        columnCacheValue = column
        return TextPosition(line: line, column: column)
    }

    /// The text of `bytes[range]`.
    func text(_ range: Range<Int>) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }

    /// `bytes[range]` as a buffer of its own (a `Slice` is generic, and slow in a debug build).
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range])
    }

    /// Describes the character under the cursor for an error message: `'x'`, a control
    /// character by its code point, or "the end of the input".
    func describeCurrent() -> String {
        guard let byte = current else { return "the end of the input" }
        if byte == SourceByte.lineFeed { return "the end of the line" }
        if startsWith([0xEF, 0xBB, 0xBF]) { return "a byte-order mark (U+FEFF), which may only be the first 3 bytes of the file" }
        if let text = printableCurrent() { return "'\(text)'" }
        return "control character \(Self.codePoint(UInt32(byte)))"
    }

    /// The character under the cursor as text, nil at the end or at a control character.
    func printableCurrent() -> String? {
        guard let byte = current, !(byte < SourceByte.space || byte == SourceByte.delete) else { return nil }
        // Take the whole UTF-8 sequence, so that a message shows the character itself.
        var end = offset + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return text(offset..<end)
    }

    /// `U+000A` style, as the Unicode standard writes code points.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// Bounds that keep a hostile document from taking unbounded memory. A document's values are
/// kept with their locations (some 40 bytes each), so a 50 MB array of `1,` would take a
/// gigabyte; no VM description needs more than a small fraction of these limits (a PCI segment has
/// 65,536 functions, and a device takes a handful of keys). The key limit also bounds the time: a
/// 50 MB file of some 4 million unknown keys is refused at the limit's key instead of being read
/// to its end (each key costs a hash and a place in its table's index).
enum ReaderLimits {
    static let maximumArrayElements = 1 << 20
    static let maximumKeys = 1 << 20

    static func tooManyKeys(at location: TextPosition) -> ConfigSyntaxError {
        ConfigSyntaxError(
            "more than \(maximumKeys) keys in one description; accepted: at most \(maximumKeys) in all (a PCI segment has 65536 functions)",
            at: location)
    }

    static func tooManyArrayElements(at location: TextPosition) -> ConfigSyntaxError {
        ConfigSyntaxError(
            "more than \(maximumArrayElements) array elements in one description; accepted: at most \(maximumArrayElements) in all (a PCI segment has 65536 functions)",
            at: location)
    }
}

/// The ASCII bytes the readers look for, named so that the grammar reads like the grammar.
enum SourceByte {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22  // "
    static let hash: UInt8 = 0x23  // #
    static let apostrophe: UInt8 = 0x27  // '
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let equals: UInt8 = 0x3D
    static let upperA: UInt8 = 0x41
    static let upperE: UInt8 = 0x45
    static let upperF: UInt8 = 0x46
    static let upperU: UInt8 = 0x55
    static let upperZ: UInt8 = 0x5A
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let lowerA: UInt8 = 0x61
    static let lowerB: UInt8 = 0x62
    static let lowerE: UInt8 = 0x65
    static let lowerF: UInt8 = 0x66
    static let lowerN: UInt8 = 0x6E
    static let lowerO: UInt8 = 0x6F
    static let lowerR: UInt8 = 0x72
    static let lowerT: UInt8 = 0x74
    static let lowerU: UInt8 = 0x75
    static let lowerX: UInt8 = 0x78
    static let lowerZ: UInt8 = 0x7A
    static let leftBrace: UInt8 = 0x7B
    static let rightBrace: UInt8 = 0x7D
    static let delete: UInt8 = 0x7F

    static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= upperA && byte <= upperZ) || (byte >= lowerA && byte <= lowerZ)
    }

    /// The value of a hexadecimal digit, nil for any other byte.
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case zero...nine: UInt32(byte - zero)
        case upperA...upperF: UInt32(byte - upperA + 10)
        case lowerA...lowerF: UInt32(byte - lowerA + 10)
        default: nil
        }
    }

    /// A control character that may not appear raw in a string or comment (tab is allowed
    /// everywhere in TOML; line breaks are handled by the callers before they ask).
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < space && byte != tab) || byte == delete
    }
}
