extension AML {
    /// If: runs the terms when the predicate is non-zero.
    /// DefIfElse := IfOp PkgLength Predicate TermList DefElse
    ///
    /// An `Else` is not part of the If in AML: it is the term right after it, and the
    /// interpreter pairs them. iasl encodes `If {...} Else {...}` that way, so an else branch is
    /// written as `AML.If(...)` followed by `AML.Else(...)` in the same term list.
    public struct If: AMLTerm {
        public let predicate: any AMLTerm
        public let terms: [any AMLTerm]

        public init(_ predicate: any AMLTerm, _ terms: [any AMLTerm]) {
            self.predicate = predicate
            self.terms = terms
        }

        public var aml: [UInt8] {
            lengthPrefixed(Opcode.if, predicate.aml + concatenated(terms))
        }
    }

    /// Else: the terms run when the `If` just before it did not. Must follow an `AML.If`
    /// directly. An empty Else is kept (iasl keeps it too: A1 01).
    /// DefElse := ElseOp PkgLength TermList
    public struct Else: AMLTerm {
        public let terms: [any AMLTerm]

        public init(_ terms: [any AMLTerm]) {
            self.terms = terms
        }

        public var aml: [UInt8] {
            lengthPrefixed(Opcode.else, concatenated(terms))
        }
    }

    /// Return. DefReturn := ReturnOp ArgObject
    public struct Return: AMLTerm {
        public let value: any AMLTerm

        public init(_ value: any AMLTerm) {
            self.value = value
        }

        public var aml: [UInt8] { Opcode.return + value.aml }
    }
}
