/// Appends little-endian fields in the order a table's layout lists them: one call per field,
/// so an encoder reads like the spec's field table. A value; no shared state.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) { append(UInt64(value), width: 2) }

    mutating func u32(_ value: UInt32) { append(UInt64(value), width: 4) }

    mutating func u64(_ value: UInt64) { append(value, width: 8) }

    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// A fixed-width ASCII field, padded with spaces (the OEM fields' convention).
    mutating func ascii(_ text: String, width: Int) {
        let encoded = Array(text.utf8)
        precondition(encoded.count <= width && encoded.allSatisfy { $0 < 0x80 },
                     "'\(text)' is not ASCII of at most \(width) characters")
        bytes.append(contentsOf: encoded)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - encoded.count))
    }

    /// A 12-byte Generic Address Structure (ACPI 6.3, 5.2.3.2).
    mutating func gas(_ address: GenericAddress) {
        u8(address.space.rawValue)
        u8(address.bitWidth)
        u8(address.bitOffset)
        u8(address.accessSize.rawValue)
        u64(address.address)
    }

    private mutating func append(_ value: UInt64, width: Int) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}

/// The Generic Address Structure: where a register is and how to access it.
struct GenericAddress {
    enum Space: UInt8 {
        case systemMemory = 0
        case systemIO = 1
    }

    enum AccessSize: UInt8 {
        case undefined = 0
        case byte = 1
        case word = 2
        case dword = 3
        case qword = 4
    }

    var space: Space
    var bitWidth: UInt8
    var bitOffset: UInt8 = 0
    var accessSize: AccessSize
    var address: UInt64

    /// "Not present": every field zero.
    static let absent = GenericAddress(space: .systemMemory, bitWidth: 0, accessSize: .undefined, address: 0)

    /// A register block in system I/O space, `length` bytes long.
    static func io(_ port: UInt16, length: UInt8, access: AccessSize) -> GenericAddress {
        GenericAddress(space: .systemIO, bitWidth: length * 8, accessSize: access, address: UInt64(port))
    }
}
