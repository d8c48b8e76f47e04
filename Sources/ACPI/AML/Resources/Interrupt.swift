extension AML {
    /// Interrupt (consumer or producer, Level or Edge, ActiveLow or ActiveHigh, Shared or
    /// Exclusive) {gsis}: the extended interrupt descriptor (large item 0x09), which names
    /// global system interrupts rather than ISA IRQs; `_PRS`/`_CRS` of PCI link devices use it.
    public struct Interrupt: AMLResource {
        public let consumer: Bool, levelTriggered: Bool, activeLow: Bool, shared: Bool
        public let gsis: [UInt32]

        public init(consumer: Bool = true, levelTriggered: Bool, activeLow: Bool, shared: Bool,
                    _ gsis: [UInt32]) {
            precondition((1...255).contains(gsis.count),
                         "AML: Interrupt takes 1-255 interrupts, not \(gsis.count)")
            self.consumer = consumer
            self.levelTriggered = levelTriggered
            self.activeLow = activeLow
            self.shared = shared
            self.gsis = gsis
        }

        /// Bit 0 consumer, bit 1 edge-triggered (so level is 0), bit 2 active-low, bit 3 shared.
        var flags: UInt8 {
            (consumer ? 0x01 : 0) | (levelTriggered ? 0 : 0x02)
                | (activeLow ? 0x04 : 0) | (shared ? 0x08 : 0)
        }

        public var descriptor: [UInt8] {
            let table = gsis.flatMap { littleEndian($0) }
            return largeDescriptor(LargeItem.extendedInterrupt, [flags, UInt8(gsis.count)] + table)
        }
    }
}
