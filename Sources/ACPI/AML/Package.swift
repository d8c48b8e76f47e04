extension AML {
    /// A Package. DefPackage := PackageOp PkgLength NumElements PackageElementList
    /// NumElements is a single byte, so a package of more than 255 elements is a VarPackage,
    /// whose count is an integer term (iasl does the same).
    public struct Package: AMLTerm {
        public let elements: [any AMLTerm]

        public init(_ elements: [any AMLTerm]) {
            self.elements = elements
        }

        public var aml: [UInt8] {
            let body = concatenated(elements)
            if elements.count <= 255 {
                return lengthPrefixed(Opcode.package, [UInt8(elements.count)] + body)
            }
            return lengthPrefixed(Opcode.varPackage, Integer(UInt64(elements.count)).aml + body)
        }
    }
}
