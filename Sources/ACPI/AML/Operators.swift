extension AML {
    /// Store: `target = source`. DefStore := StoreOp TermArg SuperName
    public struct Store: AMLTerm {
        public let source: any AMLTerm
        public let target: any AMLTerm

        public init(_ source: any AMLTerm, _ target: any AMLTerm) {
            self.source = source
            self.target = target
        }

        public var aml: [UInt8] { Opcode.store + source.aml + target.aml }
    }

    /// And: bitwise and. Without a target the result is only returned, and the target is
    /// written as NullName, as iasl does. DefAnd := AndOp Operand Operand Target
    public struct And: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm
        public let target: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm, target: any AMLTerm = Path.null) {
            self.a = a
            self.b = b
            self.target = target
        }

        public var aml: [UInt8] { Opcode.and + a.aml + b.aml + target.aml }
    }

    /// Or: bitwise or; the target as in `And`. DefOr := OrOp Operand Operand Target
    public struct Or: AMLTerm {
        public let a: any AMLTerm
        public let b: any AMLTerm
        public let target: any AMLTerm

        public init(_ a: any AMLTerm, _ b: any AMLTerm, target: any AMLTerm = Path.null) {
            self.a = a
            self.b = b
            self.target = target
        }

        public var aml: [UInt8] { Opcode.or + a.aml + b.aml + target.aml }
    }

    /// Notify: sends `value` (0x00 bus check, 0x01 device check, 0x03 eject request, ...) to the
    /// OS for `object`. DefNotify := NotifyOp NotifyObject NotifyValue
    public struct Notify: AMLTerm {
        public let object: any AMLTerm
        public let value: any AMLTerm

        public init(_ object: any AMLTerm, _ value: any AMLTerm) {
            self.object = object
            self.value = value
        }

        public var aml: [UInt8] { Opcode.notify + object.aml + value.aml }
    }
}
