extension AML {
    /// IO (Decode16, min, max, alignment, length): a small I/O port descriptor (item 0x08)
    /// whose device decodes all 16 address bits, such as the 0xCF8 config ports.
    public struct IO: AMLResource {
        public let min: UInt16, max: UInt16
        public let alignment: UInt8, length: UInt8

        public init(min: some BinaryInteger, max: some BinaryInteger,
                    alignment: some BinaryInteger, length: some BinaryInteger) {
            self.min = exactly(min, "I/O address")
            self.max = exactly(max, "I/O address")
            self.alignment = exactly(alignment, "I/O alignment")
            self.length = exactly(length, "I/O length")
        }

        public var descriptor: [UInt8] {
            let decode16: UInt8 = 0x01
            let data = [decode16] + littleEndian(min) + littleEndian(max) + [alignment, length]
            return smallDescriptor(SmallItem.io, data)
        }
    }
}
