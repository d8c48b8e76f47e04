extension AML {
    /// Scope: opens an existing namespace node and adds the terms to it.
    /// DefScope := ScopeOp PkgLength NameString TermList
    public struct Scope: AMLTerm {
        public let path: Path
        public let terms: [any AMLTerm]

        public init(_ path: String, _ terms: [any AMLTerm]) {
            self.path = Path(path)
            self.terms = terms
        }

        public var aml: [UInt8] {
            lengthPrefixed(Opcode.scope, path.aml + concatenated(terms))
        }
    }

    /// Name: a named data object. Its end is implied by the value, so it has no PkgLength.
    /// DefName := NameOp NameString DataRefObject
    public struct Name: AMLTerm {
        public let path: Path
        public let value: any AMLTerm

        public init(_ path: String, _ value: any AMLTerm) {
            self.path = Path(path)
            self.value = value
        }

        public var aml: [UInt8] {
            Opcode.name + path.aml + value.aml
        }
    }
}
