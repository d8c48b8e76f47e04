extension AML {
    /// Method. DefMethod := MethodOp PkgLength NameString MethodFlags TermList
    /// MethodFlags: bits 2:0 the argument count, bit 3 Serialized, bits 7:4 the SyncLevel, which
    /// we leave 0 as ASL does when it is not given.
    public struct Method: AMLTerm {
        public let path: Path
        public let args: Int
        public let serialized: Bool
        public let terms: [any AMLTerm]

        public init(_ path: String, args: Int, serialized: Bool = false, _ terms: [any AMLTerm]) {
            precondition((0...7).contains(args), "AML: method \(path) takes \(args) arguments; at most 7")
            self.path = Path(path)
            self.args = args
            self.serialized = serialized
            self.terms = terms
        }

        public var aml: [UInt8] {
            let flags = UInt8(args) | (serialized ? 0x08 : 0)
            return lengthPrefixed(Opcode.method, path.aml + [flags] + concatenated(terms))
        }
    }
}
