extension AML {
    /// EisaId ("PNP0A08"): a compressed EISA/PNP id, the integer iasl emits for it.
    ///
    /// The three letters are packed five bits each ('A' = 1) into a 16-bit big-endian word,
    /// followed by the four hex digits as a 16-bit big-endian word; those four bytes in that order
    /// are the integer's little-endian bytes. iasl then encodes it like any integer constant, so
    /// an id whose high bytes are zero gets a shorter prefix.
    public struct EISAID: AMLTerm, Hashable {
        public let id: String
        public let value: UInt32

        public init(_ id: String) {
            self.id = id
            self.value = Self.compress(id)
        }

        public var aml: [UInt8] { Integer(UInt64(value)).aml }

        static func compress(_ id: String) -> UInt32 {
            let letters = id.prefix(3), digits = id.dropFirst(3)
            guard id.count == 7, letters.allSatisfy({ $0.isASCII && $0.isUppercase }),
                  digits.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                  let product = UInt16(digits, radix: 16)
            else {
                preconditionFailure("AML: \"\(id)\" is not an EISA id (three of A-Z, four hex digits)")
            }
            let vendor = letters.utf8.reduce(UInt16(0)) { $0 << 5 | UInt16($1 - 0x40) }
            let bigEndian = UInt32(vendor) << 16 | UInt32(product)
            return bigEndian.byteSwapped
        }

        /// The id an integer holds ("PNP0A08" for 0x080AD041), the inverse of `compress`; nil for
        /// a value whose letters fall outside A-Z (an integer _HID that is no EISA id).
        public static func decode(_ value: UInt64) -> String? {
            guard value <= UInt64(UInt32.max) else { return nil }
            let bigEndian = UInt32(value).byteSwapped
            let vendor = UInt16(bigEndian >> 16), product = UInt16(bigEndian & 0xFFFF)
            let letters = [vendor >> 10 & 0x1F, vendor >> 5 & 0x1F, vendor & 0x1F]
            guard vendor >> 15 == 0, letters.allSatisfy({ (1...26).contains($0) }) else { return nil }
            let digits = String(product, radix: 16, uppercase: true)
            return String(letters.map { Character(UnicodeScalar(UInt8($0) + 0x40)) })
                + String(repeating: "0", count: 4 - digits.count) + digits
        }
    }
}
