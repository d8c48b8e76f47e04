/// Sizes and addresses as users write them: integers, or strings such as "2G", "512K",
/// "0xB0000000". Suffixes are powers of 1024.
public enum Quantity {
    static let suffixes: [(String, UInt64)] = [
        ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40),
    ]

    /// What a size or address string says.
    public enum Reading: Equatable, Sendable {
        case value(UInt64)
        /// Well formed, but past 2^64 - 1 (after its suffix).
        case outOfRange
        case invalid
    }

    /// Parses a size or address string; nil when it is not one (or is out of range).
    public static func parse(_ text: String) -> UInt64? {
        if case .value(let value) = read(text) { return value }
        return nil
    }

    /// Digits only, decimal or `0x` hexadecimal, with `_` between digits and an optional
    /// suffix: no sign (`UInt64("+1")` would take one), no spaces inside. The digits are read
    /// with checked arithmetic, so that a number past 2^64 - 1 is out of range, never a trap.
    public static func read(_ text: String) -> Reading {
        var body = Substring(text.trimmingSpaces())
        var scale: UInt64 = 1
        for (suffix, factor) in suffixes {
            for form in [suffix + "iB", suffix + "B", suffix, suffix.lowercased()] where body.hasSuffix(form) {
                body = body.dropLast(form.count)
                scale = factor
                break
            }
            if scale != 1 { break }
        }
        guard let number = parseNumber(body) else { return .invalid }
        guard case .value(let value) = number else { return number }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? .outOfRange : .value(product)
    }

    private static func parseNumber(_ text: Substring) -> Reading? {
        var digits = Array(text.utf8)
        var radix: UInt64 = 10
        if digits.count > 2, digits[0] == UInt8(ascii: "0"), digits[1] == UInt8(ascii: "x") || digits[1] == UInt8(ascii: "X") {
            radix = 16
            digits.removeFirst(2)
        }
        guard let first = digits.first, let last = digits.last, first != UInt8(ascii: "_"), last != UInt8(ascii: "_") else {
            return nil
        }
        var value: UInt64 = 0
        var overflowed = false
        for byte in digits where byte != UInt8(ascii: "_") {
            guard let digit = SourceByte.hexValue(byte).map(UInt64.init), digit < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            overflowed = overflowed || overflow || carry
            value = sum
        }
        return overflowed ? .outOfRange : .value(value)
    }

    /// An exact rendering in the largest units: "2G", "512K", "16G+32M+16K", "300".
    public static func format(_ value: UInt64) -> String {
        if value == 0 { return "0" }
        var rest = value
        var parts: [String] = []
        for (suffix, factor) in suffixes.reversed() where rest >= factor {
            parts.append("\(rest / factor)\(suffix)")
            rest %= factor
        }
        if rest > 0 { parts.append(String(rest)) }
        return parts.joined(separator: "+")
    }

    public static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension UInt64 {
    public var isPowerOfTwo: Bool { self != 0 && self & (self - 1) == 0 }

    /// The smallest power of two not below this value (1 for 0).
    public var roundedUpToPowerOfTwo: UInt64 {
        self <= 1 ? 1 : UInt64(1) << (64 - (self - 1).leadingZeroBitCount)
    }
}
