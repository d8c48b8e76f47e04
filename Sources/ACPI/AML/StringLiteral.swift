extension AML {
    /// A String constant (ACPI 6.5, 20.2.3): StringPrefix, ASCII characters 0x01–0x7F, NUL.
    public struct StringLiteral: AMLTerm, Hashable {
        public let string: String

        public init(_ string: String) {
            precondition(string.utf8.allSatisfy { (0x01...0x7F).contains($0) },
                         "AML: string \"\(string)\" is not 7-bit ASCII without NUL")
            self.string = string
        }

        public var aml: [UInt8] {
            [Opcode.stringPrefix] + Array(string.utf8) + [0x00]
        }
    }
}
