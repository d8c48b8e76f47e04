extension AML {
    /// Memory32Fixed (ReadWrite or ReadOnly, base, length): a fixed 32-bit memory range
    /// (large item 0x06), the form motherboard resources such as the ECAM window take.
    public struct Memory32Fixed: AMLResource {
        public let base: UInt32, length: UInt32
        public let readWrite: Bool

        public init(base: some BinaryInteger, length: some BinaryInteger, readWrite: Bool = true) {
            self.base = exactly(base, "memory address")
            self.length = exactly(length, "memory length")
            self.readWrite = readWrite
        }

        public var descriptor: [UInt8] {
            let writable: UInt8 = readWrite ? 1 : 0
            return largeDescriptor(LargeItem.memory32Fixed, [writable] + littleEndian(base) + littleEndian(length))
        }
    }
}
