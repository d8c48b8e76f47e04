extension AML {
    /// FieldFlags bits 3:0: the width the interpreter uses to reach the region.
    public enum FieldAccess: UInt8, Sendable {
        case any = 0, byte = 1, word = 2, dword = 3, qword = 4, buffer = 5
    }

    /// FieldFlags bits 6:5: what a write puts in the bits of the access unit outside the field.
    public enum FieldUpdate: UInt8, Sendable {
        case preserve = 0, writeAsOnes = 1, writeAsZeros = 2
    }

    /// One entry of a FieldList: a named run of bits, or unnamed bits to skip (ASL's `, 8` and
    /// `Offset (n)` both become a reserved run).
    public enum FieldElement: Sendable, Hashable {
        case named(String, bits: Int)
        case reserved(bits: Int)

        var aml: [UInt8] {
            switch self {
            case let .named(name, bits):
                return Array(Path.nameSeg(name, in: name).utf8) + PkgLength.encodeFieldLength(bits)
            case let .reserved(bits):
                return [0x00] + PkgLength.encodeFieldLength(bits)
            }
        }
    }

    /// Field (DefField := FieldOp PkgLength NameString FieldFlags FieldList): names bit ranges
    /// of an operation region, in order from its start.
    public struct Field: AMLTerm {
        public let region: Path
        public let access: FieldAccess
        public let lock: Bool
        public let update: FieldUpdate
        public let elements: [FieldElement]

        public init(_ region: String, access: FieldAccess = .byte, lock: Bool = false,
                    update: FieldUpdate = .preserve, _ elements: [FieldElement]) {
            self.region = Path(region)
            self.access = access
            self.lock = lock
            self.update = update
            self.elements = elements
        }

        /// FieldFlags: bits 3:0 access type, bit 4 lock rule, bits 6:5 update rule.
        var flags: UInt8 {
            access.rawValue | (lock ? 0x10 : 0) | update.rawValue << 5
        }

        public var aml: [UInt8] {
            lengthPrefixed(Opcode.field, region.aml + [flags] + elements.flatMap(\.aml))
        }
    }
}
