/// The bytes of a description file made into text, or the reason they are not a description's
/// text, with the byte offset (and line) where that shows.
///
/// Done here rather than with Foundation's `String(data:encoding:)`, which says only "nil" for
/// bad bytes and silently drops a leading byte-order mark, so that a second one after it was
/// then taken for the first.
public enum SourceText {
    /// Valid UTF-8 with at most one byte-order mark, as its very first bytes (the readers skip
    /// it). `file` names the file in the errors.
    public static func decode(_ bytes: [UInt8], file: String) throws(ConfigErrors) -> String {
        if let problem = problem(in: bytes) {
            throw ConfigErrors([ConfigError(file: file, location: problem.location, field: "", value: nil,
                                            problem: problem.message, accepted: accepted)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let accepted = "a TOML or JSON VM description in UTF-8 (a byte-order mark only as its first 3 bytes)"

    struct Problem: Equatable {
        var message: String
        var location: TextPosition
    }

    /// The first reason `bytes` are not a description's text, nil when they are.
    static func problem(in bytes: [UInt8]) -> Problem? {
        if let encoding = otherEncoding(bytes) {
            return Problem(message: "the file is \(encoding), not UTF-8 text", location: TextPosition(line: 1, column: 1))
        }
        return bytes.withUnsafeBufferPointer { scan($0) }
    }

    /// UTF-16 and UTF-32 by their byte-order marks, or UTF-16 without one by a NUL byte beside
    /// an ASCII character in the first two bytes (every description starts with ASCII).
    private static func otherEncoding(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts([0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32 little-endian (byte-order mark FF FE 00 00 at byte offset 0)" }
        if starts([0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32 big-endian (byte-order mark 00 00 FE FF at byte offset 0)" }
        if starts([0xFF, 0xFE]) { return "UTF-16 little-endian (byte-order mark FF FE at byte offset 0)" }
        if starts([0xFE, 0xFF]) { return "UTF-16 big-endian (byte-order mark FE FF at byte offset 0)" }
        if bytes.count >= 2, bytes[0] != 0, bytes[0] < 0x80, bytes[1] == 0 { return "UTF-16 little-endian without a byte-order mark (byte offset 1 is a NUL byte)" }
        if bytes.count >= 2, bytes[0] == 0, bytes[1] != 0, bytes[1] < 0x80 { return "UTF-16 big-endian without a byte-order mark (byte offset 0 is a NUL byte)" }
        return nil
    }

    /// One pass over the bytes: UTF-8 well-formedness (Unicode 15, table 3-7: no overlong
    /// forms, no surrogates, nothing past U+10FFFF) and no byte-order mark after the start.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var line = 1, lineStart = 0, index = 0
        let count = bytes.count
        func problem(_ message: String, at offset: Int) -> Problem {
            var column = 1
            for position in lineStart..<offset where bytes[position] & 0xC0 != 0x80 { column += 1 }
            return Problem(message: "byte offset \(offset): \(message)", location: TextPosition(line: line, column: column))
        }
        func hex(_ byte: UInt8) -> String { "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0x0A {
                    line += 1
                    lineStart = index + 1
                }
                index += 1
                continue
            }
            let length: Int, secondRange: ClosedRange<UInt8>
            switch byte {
            case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
            case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
            case 0xED: (length, secondRange) = (3, 0x80...0x9F)
            case 0xE1...0xEF: (length, secondRange) = (3, 0x80...0xBF)
            case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
            case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
            case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
            default:
                return problem("not UTF-8 text: byte \(hex(byte)) cannot start a UTF-8 character", at: index)
            }
            for position in 1..<length {
                guard index + position < count else {
                    return problem("not UTF-8 text: the file ends inside a \(length)-byte UTF-8 character", at: index)
                }
                let next = bytes[index + position]
                let range: ClosedRange<UInt8> = position == 1 ? secondRange : 0x80...0xBF
                guard range.contains(next) else {
                    return problem("not UTF-8 text: byte \(hex(next)) cannot follow \(hex(byte)) in a UTF-8 character", at: index + position)
                }
            }
            if byte == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF, index > 0 {
                return problem("a byte-order mark (U+FEFF) after the start of the file", at: index)
            }
            index += length
        }
        return nil
    }
}
