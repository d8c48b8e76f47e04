/// One resource descriptor of a `_CRS`-style buffer (ACPI 6.5, 6.4): its bytes, header included.
public protocol AMLResource: Sendable {
    var descriptor: [UInt8] { get }
}

extension AML {
    /// ResourceTemplate: a Buffer holding the descriptors and then the End Tag.
    public struct ResourceTemplate: AMLTerm {
        public let descriptors: [any AMLResource]

        public init(_ descriptors: [any AMLResource]) {
            self.descriptors = descriptors
        }

        public var aml: [UInt8] {
            Buffer(descriptors.flatMap(\.descriptor) + Self.endTag).aml
        }

        /// End Tag: small item 0x0F of length 1, then a checksum of the template. iasl writes
        /// 0, which the spec defines as "treat the checksum as correct", and ACPICA and Linux do
        /// not check it; we write 0 too.
        static let endTag: [UInt8] = smallDescriptor(SmallItem.endTag, [0x00])
    }

    /// Item names of the small descriptors we write (ACPI 6.5, 6.4.2).
    enum SmallItem {
        static let irq: UInt8 = 0x04, io: UInt8 = 0x08, endTag: UInt8 = 0x0F
    }

    /// Item names of the large descriptors we write (ACPI 6.5, 6.4.3); a numbering of their own.
    enum LargeItem {
        static let memory32Fixed: UInt8 = 0x06, dwordAddressSpace: UInt8 = 0x07
        static let wordAddressSpace: UInt8 = 0x08, extendedInterrupt: UInt8 = 0x09
        static let qwordAddressSpace: UInt8 = 0x0A
    }

    /// A small resource descriptor: one header byte, bits 6:3 the item name and bits 2:0 the
    /// length of the data that follows (at most 7 bytes).
    static func smallDescriptor(_ itemName: UInt8, _ data: [UInt8]) -> [UInt8] {
        precondition(data.count <= 7, "AML: small resource descriptor with \(data.count) data bytes")
        return [itemName << 3 | UInt8(data.count)] + data
    }

    /// A large resource descriptor: 0x80 | item name, then the data's length as 16 bits, then
    /// the data.
    static func largeDescriptor(_ itemName: UInt8, _ data: [UInt8]) -> [UInt8] {
        [0x80 | itemName] + littleEndian(UInt16(data.count)) + data
    }
}
