extension AML {
    /// A Buffer: DefBuffer := BufferOp PkgLength BufferSize ByteList, the size an integer term.
    public struct Buffer: AMLTerm, Hashable {
        public let bytes: [UInt8]

        public init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        public var aml: [UInt8] {
            lengthPrefixed(Opcode.buffer, Integer(UInt64(bytes.count)).aml + bytes)
        }
    }
}
