extension AML {
    /// The address space of an operation region (RegionSpace byte).
    public enum RegionSpace: UInt8, Sendable {
        case systemMemory = 0x00
        case systemIO = 0x01
        case pciConfig = 0x02
    }

    /// OperationRegion (DefOpRegion := OpRegionOp NameString RegionSpace RegionOffset RegionLen):
    /// a window of an address space that Fields then name bit by bit.
    public struct OperationRegion: AMLTerm {
        public let name: Path
        public let space: RegionSpace
        public let offset: any AMLTerm
        public let length: any AMLTerm

        public init(_ name: String, space: RegionSpace, offset: any AMLTerm, length: any AMLTerm) {
            self.name = Path(name)
            self.space = space
            self.offset = offset
            self.length = length
        }

        public var aml: [UInt8] {
            Opcode.operationRegion + name.aml + [space.rawValue] + offset.aml + length.aml
        }
    }
}
