extension AML {
    /// PkgLength (ACPI 6.5, 20.2.4): a lead byte whose bits 7:6 count the bytes that follow
    /// (0–3). With none following, bits 5:0 hold the length; otherwise bits 3:0 hold its low
    /// nibble and each following byte the next 8 bits.
    public enum PkgLength {
        /// The PkgLength in front of a body of `length` bytes. The encoded value counts the
        /// PkgLength's own bytes too (the spec defines it so), so it is `length` plus 1–4.
        public static func encode(_ length: Int) -> [UInt8] {
            let size = byteCount(length)
            return bytes(length + size, size: size)
        }

        /// A field element's bit length (FieldList's NamedField and ReservedField). It has the
        /// PkgLength's shape but counts bits, not its own bytes. iasl still sizes it with the
        /// package thresholds of `byteCount`, so 63 bits take two bytes and 4094 bits three,
        /// although fewer would hold them; we size it the same way to match iasl byte for byte.
        static func encodeFieldLength(_ bits: Int) -> [UInt8] {
            bytes(bits, size: byteCount(bits))
        }

        /// How many bytes iasl gives a PkgLength in front of `length` bytes: the fewest that can
        /// hold `length` plus those bytes themselves (ACPICA's CgGetPackageLenByteCount).
        static func byteCount(_ length: Int) -> Int {
            precondition(length >= 0, "AML: negative package length \(length)")
            switch length {
            case ...(0x3F - 1): return 1
            case ...(0xFFF - 2): return 2
            case ...(0xF_FFFF - 3): return 3
            case ...(0xFFF_FFFF - 4): return 4
            default: preconditionFailure("AML: package length \(length) exceeds 28 bits")
            }
        }

        private static func bytes(_ value: Int, size: Int) -> [UInt8] {
            if size == 1 { return [UInt8(value)] }
            let lead = UInt8((size - 1) << 6) | UInt8(value & 0x0F)
            let rest = (0..<(size - 1)).map { UInt8(truncatingIfNeeded: value >> (4 + 8 * $0)) }
            return [lead] + rest
        }
    }
}
