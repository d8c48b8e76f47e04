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
        var out = ""
        write(into: &out, indent: indent)
        return out
    }

    /// Appends to one buffer: building a string per value and joining them was a third of
    /// `guestfw plan --json`'s time on a 200-port VM.
    private func write(into out: inout String, indent: Int) {
        switch self {
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                out += index == 0 ? "\n" : ",\n"
                Self.pad(&out, indent + 2)
                Self.quote(key, into: &out)
                out += ": "
                value.write(into: &out, indent: indent + 2)
            }
            out += "\n"
            Self.pad(&out, indent)
            out += "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                out += index == 0 ? "\n" : ",\n"
                Self.pad(&out, indent + 2)
                item.write(into: &out, indent: indent + 2)
            }
            out += "\n"
            Self.pad(&out, indent)
            out += "]"
        case .string(let text): Self.quote(text, into: &out)
        case .int(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        }
    }

    private static func pad(_ out: inout String, _ count: Int) {
        for _ in 0..<count { out += " " }
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        // Most text (ids, hex numbers, kinds) needs no escape: one append.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += text
            out += "\""
            return
        }
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
        out += "\""
    }
}
