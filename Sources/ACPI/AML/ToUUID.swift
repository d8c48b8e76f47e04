extension AML {
    /// ToUUID ("33db4d5b-1ff7-401c-9657-7441c03dd766"): the 16-byte Buffer of a UUID in the
    /// layout ACPI uses (that of EFI_GUID): the first three groups little-endian, the last two as
    /// written. `_OSC` compares its Arg0 against such a buffer.
    public struct ToUUID: AMLTerm, Hashable {
        public let uuid: String
        public let bytes: [UInt8]

        public init(_ uuid: String) {
            self.uuid = uuid
            self.bytes = Self.layout(uuid)
        }

        public var aml: [UInt8] { Buffer(bytes).aml }

        static func layout(_ uuid: String) -> [UInt8] {
            let groups = uuid.split(separator: "-", omittingEmptySubsequences: false)
            guard groups.map(\.count) == [8, 4, 4, 4, 12],
                  groups.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isHexDigit } })
            else { preconditionFailure("AML: \"\(uuid)\" is not a UUID (8-4-4-4-12 hex digits)") }
            let n = groups.map { UInt64($0, radix: 16)! }
            let asWritten = { (value: UInt64, count: Int) in littleEndian(value).prefix(count).reversed() }
            return littleEndian(UInt32(n[0])) + littleEndian(UInt16(n[1])) + littleEndian(UInt16(n[2]))
                + asWritten(n[3], 2) + asWritten(n[4], 6)
        }
    }
}
