extension AML {
    /// ArgObj (ACPI 6.5, 20.2.6.1): one of a method's seven arguments, Arg0–Arg6.
    public struct Arg: AMLTerm, Hashable {
        public let index: Int

        public init(_ index: Int) {
            precondition((0...6).contains(index), "AML: Arg\(index) does not exist; Arg0-Arg6")
            self.index = index
        }

        public var aml: [UInt8] { [Opcode.arg0 + UInt8(index)] }
    }

    /// LocalObj (ACPI 6.5, 20.2.6.2): one of a method's eight locals, Local0–Local7.
    public struct Local: AMLTerm, Hashable {
        public let index: Int

        public init(_ index: Int) {
            precondition((0...7).contains(index), "AML: Local\(index) does not exist; Local0-Local7")
            self.index = index
        }

        public var aml: [UInt8] { [Opcode.local0 + UInt8(index)] }
    }
}
