extension AML {
    /// LEqual: `a == b`, Ones when true and Zero when false. DefLEqual := LequalOp Operand Operand
    public struct LEqual: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm) {
            self.a = a
            self.b = b
        }

        public var aml: [UInt8] { Opcode.lEqual + a.aml + b.aml }
    }

    /// LGreater: `a > b`.
    public struct LGreater: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm) {
            self.a = a
            self.b = b
        }

        public var aml: [UInt8] { Opcode.lGreater + a.aml + b.aml }
    }

    /// LLess: `a < b`.
    public struct LLess: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm) {
            self.a = a
            self.b = b
        }

        public var aml: [UInt8] { Opcode.lLess + a.aml + b.aml }
    }

    /// LAnd: `a && b`.
    public struct LAnd: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm) {
            self.a = a
            self.b = b
        }

        public var aml: [UInt8] { Opcode.lAnd + a.aml + b.aml }
    }

    /// LOr: `a || b`.
    public struct LOr: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm) {
            self.a = a
            self.b = b
        }

        public var aml: [UInt8] { Opcode.lOr + a.aml + b.aml }
    }

    /// LNot: `!a`.
    public struct LNot: AMLTerm {
        public let a: any AMLTerm

        public init(_ a: any AMLTerm) {
            self.a = a
        }

        public var aml: [UInt8] { Opcode.lNot + a.aml }
    }
}
