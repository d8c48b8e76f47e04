/// A JSON value with ordered keys, written the same way on every run and machine.
public indirect enum JSONText: Sendable, Equatable {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    public static func == (a: JSONText, b: JSONText) -> Bool { a.rendered() == b.rendered() }

    public static func hex(_ value: UInt64) -> JSONText { .string(Layout.hex(value)) }
    public static func optional<T>(_ value: T?, _ transform: (T) -> JSONText) -> JSONText { value.map(transform) ?? .null }

    /// Two-space indentation; arrays of scalars and small objects stay readable in diffs.
    public func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent)
        let inner = String(repeating: " ", count: indent + 2)
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let body = members.map { inner + quote($0.0) + ": " + $0.1.rendered(indent: indent + 2) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + pad + "}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.rendered(indent: indent + 2) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .string(let text): return quote(text)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    private func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
