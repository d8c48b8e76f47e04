extension AML {
    /// IRQNoFlags () {irqs}: the two-byte form of the small IRQ descriptor (item 0x04), a mask
    /// of ISA IRQs 0–15 that are edge-triggered, active-high and exclusive.
    public struct IRQNoFlags: AMLResource {
        public let irqs: [Int]

        public init(_ irqs: [Int]) {
            precondition(irqs.allSatisfy { (0...15).contains($0) },
                         "AML: IRQNoFlags takes IRQs 0-15, not \(irqs)")
            self.irqs = irqs
        }

        public var descriptor: [UInt8] {
            let mask = irqs.reduce(UInt16(0)) { $0 | 1 << $1 }
            return smallDescriptor(SmallItem.irq, littleEndian(mask))
        }
    }
}
