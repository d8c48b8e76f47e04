extension AML {
    /// The memory attribute of a memory address space descriptor (type-specific flags bits 2:1).
    public enum Cacheability: UInt8, Sendable {
        case nonCacheable = 0, cacheable = 1, writeCombining = 2, prefetchable = 3
    }

    /// The body shared by WordBusNumber, WordIO, DWordIO, DWordMemory and QWordMemory
    /// (ACPI 6.5, 6.4.3.5): resource type, general flags, type-specific flags, then granularity,
    /// minimum, maximum, translation offset and length in the descriptor's width. No resource
    /// source follows, as in iasl's output when ASL leaves it out.
    ///
    /// The general flags are those QEMU's host bridge uses and the only ones we need:
    /// ResourceProducer (bit 0 clear), PosDecode (bit 1 clear), MinFixed (bit 2), MaxFixed (bit 3).
    /// Granularity and translation are 0; the length is max - min + 1 (wrapping to 0 only for a
    /// range covering the whole width, which no descriptor of ours spans).
    static func addressSpace<T: FixedWidthInteger & UnsignedInteger>(
        item: UInt8, resourceType: UInt8, typeFlags: UInt8, min: T, max: T
    ) -> [UInt8] {
        precondition(min <= max, "AML: address range \(min)...\(max) is empty")
        let minFixedMaxFixed: UInt8 = 0x0C
        let numbers = [0, min, max, 0, max &- min &+ 1].flatMap { littleEndian($0) }
        return largeDescriptor(item, [resourceType, minFixedMaxFixed, typeFlags] + numbers)
    }

    /// Resource types of an address space descriptor.
    enum AddressSpaceType {
        static let memory: UInt8 = 0, io: UInt8 = 1, busNumber: UInt8 = 2
    }

    /// Type-specific flags of an I/O range: EntireRange (bits 1:0 = 3, both ISA and non-ISA
    /// ranges decoded), TypeStatic, DenseTranslation.
    static let ioEntireRange: UInt8 = 0x03

    /// Type-specific flags of a memory range: bit 0 read-write, bits 2:1 the cacheability;
    /// AddressRangeMemory and TypeStatic are 0.
    static func memoryFlags(_ cacheable: Cacheability, _ readWrite: Bool) -> UInt8 {
        cacheable.rawValue << 1 | (readWrite ? 1 : 0)
    }

    /// WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min, max, 0, length):
    /// the bus numbers a host bridge decodes.
    public struct WordBusNumber: AMLResource {
        public let min: UInt16, max: UInt16

        public init(min: some BinaryInteger, max: some BinaryInteger) {
            self.min = exactly(min, "bus number")
            self.max = exactly(max, "bus number")
        }

        public var descriptor: [UInt8] {
            addressSpace(item: LargeItem.wordAddressSpace, resourceType: AddressSpaceType.busNumber,
                         typeFlags: 0, min: min, max: max)
        }
    }

    /// WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, ...): an I/O port
    /// window described with 16-bit numbers.
    public struct WordIO: AMLResource {
        public let min: UInt16, max: UInt16

        public init(min: some BinaryInteger, max: some BinaryInteger) {
            self.min = exactly(min, "I/O address")
            self.max = exactly(max, "I/O address")
        }

        public var descriptor: [UInt8] {
            addressSpace(item: LargeItem.wordAddressSpace, resourceType: AddressSpaceType.io,
                         typeFlags: ioEntireRange, min: min, max: max)
        }
    }

    /// DWordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, ...): an I/O port
    /// window described with 32-bit numbers.
    public struct DWordIO: AMLResource {
        public let min: UInt32, max: UInt32

        public init(min: some BinaryInteger, max: some BinaryInteger) {
            self.min = exactly(min, "I/O address")
            self.max = exactly(max, "I/O address")
        }

        public var descriptor: [UInt8] {
            addressSpace(item: LargeItem.dwordAddressSpace, resourceType: AddressSpaceType.io,
                         typeFlags: ioEntireRange, min: min, max: max)
        }
    }

    /// DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, cacheability, ReadWrite or
    /// ReadOnly, ...): a memory window below 4 GiB.
    public struct DWordMemory: AMLResource {
        public let min: UInt32, max: UInt32
        public let cacheable: Cacheability
        public let readWrite: Bool

        public init(min: some BinaryInteger, max: some BinaryInteger,
                    cacheable: Cacheability = .cacheable, readWrite: Bool = true) {
            self.min = exactly(min, "memory address")
            self.max = exactly(max, "memory address")
            self.cacheable = cacheable
            self.readWrite = readWrite
        }

        public var descriptor: [UInt8] {
            addressSpace(item: LargeItem.dwordAddressSpace, resourceType: AddressSpaceType.memory,
                         typeFlags: memoryFlags(cacheable, readWrite), min: min, max: max)
        }
    }

    /// QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, cacheability, ReadWrite or
    /// ReadOnly, ...): a memory window anywhere in the 64-bit space.
    public struct QWordMemory: AMLResource {
        public let min: UInt64, max: UInt64
        public let cacheable: Cacheability
        public let readWrite: Bool

        public init(min: some BinaryInteger, max: some BinaryInteger,
                    cacheable: Cacheability = .cacheable, readWrite: Bool = true) {
            self.min = exactly(min, "memory address")
            self.max = exactly(max, "memory address")
            self.cacheable = cacheable
            self.readWrite = readWrite
        }

        public var descriptor: [UInt8] {
            addressSpace(item: LargeItem.qwordAddressSpace, resourceType: AddressSpaceType.memory,
                         typeFlags: memoryFlags(cacheable, readWrite), min: min, max: max)
        }
    }
}
