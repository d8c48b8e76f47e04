extension AML {
    /// CreateDWordField (DefCreateDWordField := CreateDWordFieldOp SourceBuff ByteIndex
    /// NameString): names the 32 bits at byte `index` of a buffer, as `_OSC` does with its
    /// capabilities buffer.
    public struct CreateDWordField: AMLTerm {
        public let source: any AMLTerm
        public let index: any AMLTerm
        public let name: Path

        public init(_ source: any AMLTerm, _ index: any AMLTerm, _ name: String) {
            self.source = source
            self.index = index
            self.name = Path(name)
        }

        public var aml: [UInt8] {
            Opcode.createDWordField + source.aml + index.aml + name.aml
        }
    }
}
