/// Sizes and addresses as users write them: integers, or strings such as "2G", "512K",
/// "0xB0000000". Suffixes are powers of 1024.
public enum Quantity {
    static let suffixes: [(String, UInt64)] = [
        ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40),
    ]

    /// Parses a size or address string; nil when it is not one.
    public static func parse(_ text: String) -> UInt64? {
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
        guard let number = parseNumber(body) else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    private static func parseNumber(_ text: Substring) -> UInt64? {
        let digits = text.filter { $0 != "_" }
        guard !digits.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_") else { return nil }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            let hex = digits.dropFirst(2)
            return hex.isEmpty ? nil : UInt64(hex, radix: 16)
        }
        return UInt64(digits, radix: 10)
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
