/// Reads a raw table's bytes, never past its own length: every read of a field the table is too
/// short to hold gives nil instead of trapping. The bytes come from a user's file, which may be
/// any length (a revision-0 RSDP is 20 bytes and has no XsdtAddress at 24).
public struct TableBytes: Sendable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }

    /// `size` bytes at `offset`, nil unless all of them are inside the table.
    public func slice(at offset: Int, size: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, size >= 0, offset <= bytes.count, size <= bytes.count - offset else { return nil }
        return bytes[offset..<(offset + size)]
    }

    /// A little-endian unsigned field of 1 to 8 bytes.
    public func unsigned(at offset: Int, size: Int) -> UInt64? {
        guard (1...8).contains(size), let field = slice(at: offset, size: size) else { return nil }
        return field.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    public func u8(at offset: Int) -> UInt8? { unsigned(at: offset, size: 1).map { UInt8($0) } }
    public func u32(at offset: Int) -> UInt32? { unsigned(at: offset, size: 4).map { UInt32($0) } }

    /// An ASCII field (signature, OEM id) as text, with bytes outside printable ASCII escaped.
    public func text(at offset: Int, size: Int) -> String? {
        slice(at: offset, size: size).map { field in
            field.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + hex2($0) }.joined()
        }
    }

    private func hex2(_ byte: UInt8) -> String { (byte < 16 ? "0" : "") + String(byte, radix: 16) }
}

/// The named fields of a table's fixed part, for `diff` to show what changed where iasl shows
/// nothing: iasl cannot disassemble an RSDP at all, and a table it cannot parse still has a
/// header worth comparing.
public enum TableFields {
    public struct Field: Equatable, Sendable {
        public var name: String
        public var offset: Int
        public var size: Int
        public enum Kind: Sendable { case text, number }
        public var kind: Kind
    }

    /// The RSDP (ACPI 6.5, 5.2.5.3): the first 20 bytes in every revision, the rest from
    /// revision 2.
    public static let rsdp: [Field] = [
        Field(name: "Signature", offset: 0, size: 8, kind: .text), Field(name: "Checksum", offset: 8, size: 1, kind: .number),
        Field(name: "OEMID", offset: 9, size: 6, kind: .text), Field(name: "Revision", offset: 15, size: 1, kind: .number),
        Field(name: "RsdtAddress", offset: 16, size: 4, kind: .number), Field(name: "Length", offset: 20, size: 4, kind: .number),
        Field(name: "XsdtAddress", offset: 24, size: 8, kind: .number), Field(name: "ExtendedChecksum", offset: 32, size: 1, kind: .number),
        Field(name: "Reserved", offset: 33, size: 3, kind: .number),
    ]

    /// The FACS (ACPI 6.5, 5.2.10), which has no standard header.
    public static let facs: [Field] = [
        Field(name: "Signature", offset: 0, size: 4, kind: .text), Field(name: "Length", offset: 4, size: 4, kind: .number),
        Field(name: "HardwareSignature", offset: 8, size: 4, kind: .number),
        Field(name: "FirmwareWakingVector", offset: 12, size: 4, kind: .number),
        Field(name: "GlobalLock", offset: 16, size: 4, kind: .number), Field(name: "Flags", offset: 20, size: 4, kind: .number),
        Field(name: "XFirmwareWakingVector", offset: 24, size: 8, kind: .number), Field(name: "Version", offset: 32, size: 1, kind: .number),
        Field(name: "Reserved", offset: 33, size: 3, kind: .number), Field(name: "OSPMFlags", offset: 36, size: 4, kind: .number),
        Field(name: "Reserved", offset: 40, size: 24, kind: .number),
    ]

    /// The standard description header every other table starts with (ACPI 6.5, 5.2.6).
    public static let header: [Field] = [
        Field(name: "Signature", offset: 0, size: 4, kind: .text), Field(name: "Length", offset: 4, size: 4, kind: .number),
        Field(name: "Revision", offset: 8, size: 1, kind: .number), Field(name: "Checksum", offset: 9, size: 1, kind: .number),
        Field(name: "OEMID", offset: 10, size: 6, kind: .text), Field(name: "OEMTableID", offset: 16, size: 8, kind: .text),
        Field(name: "OEMRevision", offset: 24, size: 4, kind: .number), Field(name: "CreatorID", offset: 28, size: 4, kind: .text),
        Field(name: "CreatorRevision", offset: 32, size: 4, kind: .number),
    ]

    public static func fields(of signature: String) -> [Field] {
        switch signature {
        case "RSDP": rsdp
        case "FACS": facs
        default: header
        }
    }

    /// How a field reads in a table: text in quotes, a number in hex, or "absent" when the
    /// table is too short to have it.
    public static func value(_ field: Field, in table: TableBytes) -> String {
        switch field.kind {
        case .text:
            guard let text = table.text(at: field.offset, size: field.size) else { return absent(table) }
            return "\"\(text)\""
        case .number:
            if field.size > 8 {
                guard let bytes = table.slice(at: field.offset, size: field.size) else { return absent(table) }
                return bytes.allSatisfy { $0 == 0 } ? "0 (\(field.size) bytes)" : bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            }
            guard let number = table.unsigned(at: field.offset, size: field.size) else { return absent(table) }
            return "0x" + String(number, radix: 16)
        }
    }

    private static func absent(_ table: TableBytes) -> String { "absent (the table has \(table.count) bytes)" }

    /// One line per field whose value differs, `  Name (offset N): before -> after`, then a
    /// line for bytes past the named fields that differ, if any.
    public static func differences(signature: String, _ a: [UInt8], _ b: [UInt8]) -> [String] {
        let before = TableBytes(a), after = TableBytes(b)
        let named = fields(of: signature)
        var lines: [String] = named.compactMap { field in
            let old = value(field, in: before), new = value(field, in: after)
            return old == new ? nil : "  \(field.name) (offset \(field.offset)): \(old) -> \(new)"
        }
        let fixedEnd = named.map { $0.offset + $0.size }.max() ?? 0
        let common = min(a.count, b.count)
        if let first = (fixedEnd..<max(fixedEnd, common)).first(where: { a[$0] != b[$0] }) {
            let count = (fixedEnd..<common).filter { a[$0] != b[$0] }.count
            lines.append("  bytes from offset \(fixedEnd) on: \(count) differ, the first at offset \(first) (0x\(String(a[first], radix: 16)) -> 0x\(String(b[first], radix: 16)))")
        }
        if a.count != b.count && max(a.count, b.count) > fixedEnd {
            lines.append("  size: \(a.count) -> \(b.count) bytes")
        }
        return lines
    }
}
