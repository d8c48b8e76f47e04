extension AML {
    /// An integer constant in the shortest form iasl emits (ACPI 6.5, 20.2.3): ZeroOp, OneOp,
    /// OnesOp, or a Byte/Word/DWord/QWord prefix and the value.
    ///
    /// OnesOp means "all bits set" in the table's integer width: 0xFFFFFFFF in a revision 1
    /// table, 0xFFFFFFFFFFFFFFFF from revision 2 on. We emit it only for `UInt64.max`, which is
    /// what iasl does for revision 2 tables; 0xFFFFFFFF becomes DWordPrefix FFFFFFFF, right in
    /// either revision. (iasl compiling a revision 1 table writes OnesOp for 0xFFFFFFFF: the same
    /// value, one byte shorter.)
    public struct Integer: AMLTerm, Hashable, ExpressibleByIntegerLiteral {
        public let value: UInt64

        public init(_ value: UInt64) {
            self.value = value
        }

        public init(integerLiteral value: UInt64) {
            self.value = value
        }

        public var aml: [UInt8] {
            switch value {
            case 0: return [Opcode.zero]
            case 1: return [Opcode.one]
            case .max: return [Opcode.ones]
            case ...0xFF: return [Opcode.bytePrefix, UInt8(value)]
            case ...0xFFFF: return [Opcode.wordPrefix] + littleEndian(UInt16(value))
            case ...0xFFFF_FFFF: return [Opcode.dwordPrefix] + littleEndian(UInt32(value))
            default: return [Opcode.qwordPrefix] + littleEndian(value)
            }
        }
    }
}

/// Lets a plain integer literal stand where a term is expected (`AML.Return(1)`): with a
/// parameter of type `any AMLTerm` Swift tries the literal's default type, Int, and this makes
/// it fit. It encodes exactly like `AML.Integer`.
extension Int: AMLTerm {
    public var aml: [UInt8] {
        precondition(self >= 0, "AML: negative integer \(self); AML integers are unsigned")
        return AML.Integer(UInt64(self)).aml
    }
}
