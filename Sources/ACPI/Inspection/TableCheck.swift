/// What a raw table file must satisfy before its contents mean anything: a header whose length
/// matches the bytes, and a checksum that sums to zero. The RSDP has its own layout.
public enum TableCheck {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case tooShort(size: Int, minimum: Int)
        case lengthMismatch(header: Int, file: Int)
        case badChecksum(sum: UInt8, what: String)
        case wrongSignature(found: String)

        public var description: String {
            switch self {
            case .tooShort(let size, let minimum): "truncated: \(size) bytes, a table needs at least \(minimum)"
            case .lengthMismatch(let header, let file): "truncated or padded: the header says \(header) bytes, the file has \(file)"
            case .badChecksum(let sum, let what): "wrong \(what): the bytes sum to 0x\(String(sum, radix: 16)) instead of 0"
            case .wrongSignature(let found): "the table's signature is \"\(found)\", not its file name's"
            }
        }
    }

    public static let headerLength = 36
    public static let rsdpLength = 36

    /// Checks a table named `signature` (the file name) and returns nothing when it is sound.
    public static func check(_ bytes: [UInt8], signature: String) throws(Problem) {
        if signature == "RSDP" { return try checkRSDP(bytes) }
        guard bytes.count >= headerLength || (signature == "FACS" && bytes.count >= 8) else {
            throw .tooShort(size: bytes.count, minimum: signature == "FACS" ? 64 : headerLength)
        }
        let found = TableBytes(bytes).text(at: 0, size: 4) ?? ""
        guard found == signature else { throw .wrongSignature(found: found) }
        let length = Int(littleEndian32(bytes, at: 4))
        guard length == bytes.count else { throw .lengthMismatch(header: length, file: bytes.count) }
        // The FACS carries no checksum.
        if signature != "FACS", sum(bytes[...]) != 0 { throw .badChecksum(sum: sum(bytes[...]), what: "checksum") }
    }

    static func checkRSDP(_ bytes: [UInt8]) throws(Problem) {
        guard bytes.count >= 20 else { throw .tooShort(size: bytes.count, minimum: 20) }
        guard bytes[0..<8].elementsEqual(Array("RSD PTR ".utf8)) else {
            throw .wrongSignature(found: TableBytes(bytes).text(at: 0, size: 8) ?? "")
        }
        if sum(bytes[0..<20]) != 0 { throw .badChecksum(sum: sum(bytes[0..<20]), what: "RSDP checksum (first 20 bytes)") }
        guard bytes[15] >= 2 else { return }
        guard bytes.count >= rsdpLength else { throw .tooShort(size: bytes.count, minimum: rsdpLength) }
        let length = Int(littleEndian32(bytes, at: 20))
        guard length == bytes.count else { throw .lengthMismatch(header: length, file: bytes.count) }
        if sum(bytes[...]) != 0 { throw .badChecksum(sum: sum(bytes[...]), what: "RSDP extended checksum") }
    }

    static func sum(_ bytes: ArraySlice<UInt8>) -> UInt8 { bytes.reduce(0, &+) }

    /// 0 for a field past the end (the callers check the length first).
    static func littleEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        TableBytes(bytes).u32(at: offset) ?? 0
    }
}

/// Fields that hold only the address of another table. Two table sets built for different
/// memory maps differ there without differing in meaning, so a comparison masks them (and the
/// checksums that follow from them) and says which it masked.
public enum PointerFields {
    public struct Field: Equatable, Sendable {
        public var name: String
        public var offset: Int
        public var size: Int
    }

    /// Only the fields a table of `length` bytes holds (a revision-0 RSDP has no XsdtAddress).
    public static func fields(of signature: String, length: Int) -> [Field] {
        allFields(of: signature, length: length).filter { $0.offset + $0.size <= length }
    }

    private static func allFields(of signature: String, length: Int) -> [Field] {
        switch signature {
        case "RSDP":
            return [Field(name: "RsdtAddress", offset: 16, size: 4), Field(name: "XsdtAddress", offset: 24, size: 8),
                    Field(name: "Checksum", offset: 8, size: 1), Field(name: "ExtendedChecksum", offset: 32, size: 1)]
        case "FACP":
            return [Field(name: "FIRMWARE_CTRL", offset: 36, size: 4), Field(name: "DSDT", offset: 40, size: 4),
                    Field(name: "X_FIRMWARE_CTRL", offset: 132, size: 8), Field(name: "X_DSDT", offset: 140, size: 8),
                    Field(name: "Checksum", offset: 9, size: 1)].filter { $0.offset + $0.size <= length }
        case "XSDT", "RSDT":
            let width = signature == "XSDT" ? 8 : 4
            // Whole entries only; none when `length` is short of a header (an unchecked table).
            let entries = stride(from: TableCheck.headerLength, through: length - width, by: width)
            return entries.enumerated().map { Field(name: "Entry[\($0.offset)]", offset: $0.element, size: width) }
                + [Field(name: "Checksum", offset: 9, size: 1)]
        default:
            return []
        }
    }

    /// The bytes with every pointer field zeroed.
    public static func masked(_ bytes: [UInt8], signature: String) -> [UInt8] {
        var copy = bytes
        for field in fields(of: signature, length: bytes.count) where field.offset + field.size <= copy.count {
            for index in field.offset..<(field.offset + field.size) { copy[index] = 0 }
        }
        return copy
    }

    /// Names of the pointer fields (checksums aside) whose bytes differ between two versions.
    public static func differing(_ a: [UInt8], _ b: [UInt8], signature: String) -> [String] {
        let before = TableBytes(a), after = TableBytes(b)
        return fields(of: signature, length: max(a.count, b.count)).filter { field in
            field.name != "Checksum" && !field.name.hasSuffix("Checksum")
                && before.slice(at: field.offset, size: field.size) != after.slice(at: field.offset, size: field.size)
        }.map(\.name)
    }
}
