extension AML {
    /// Device: a namespace node for a device, holding its objects.
    /// DefDevice := DeviceOp PkgLength NameString TermList
    public struct Device: AMLTerm {
        public let path: Path
        public let terms: [any AMLTerm]

        public init(_ path: String, _ terms: [any AMLTerm]) {
            self.path = Path(path)
            self.terms = terms
        }

        public var aml: [UInt8] {
            lengthPrefixed(Opcode.device, path.aml + concatenated(terms))
        }
    }
}
