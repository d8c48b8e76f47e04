extension AML {
    /// The AML opcodes this encoder emits (ACPI 6.5, 20.3). Two-byte opcodes start with
    /// ExtOpPrefix (0x5B); they are arrays so both kinds are written the same way.
    enum Opcode {
        static let zero: UInt8 = 0x00
        static let one: UInt8 = 0x01
        static let ones: UInt8 = 0xFF
        static let bytePrefix: UInt8 = 0x0A
        static let wordPrefix: UInt8 = 0x0B
        static let dwordPrefix: UInt8 = 0x0C
        static let stringPrefix: UInt8 = 0x0D
        static let qwordPrefix: UInt8 = 0x0E

        static let name: [UInt8] = [0x08]
        static let scope: [UInt8] = [0x10]
        static let buffer: [UInt8] = [0x11]
        static let package: [UInt8] = [0x12]
        static let varPackage: [UInt8] = [0x13]
        static let method: [UInt8] = [0x14]
        static let device: [UInt8] = [0x5B, 0x82]
        static let operationRegion: [UInt8] = [0x5B, 0x80]
        static let field: [UInt8] = [0x5B, 0x81]

        static let local0: UInt8 = 0x60
        static let arg0: UInt8 = 0x68
        static let store: [UInt8] = [0x70]
        static let and: [UInt8] = [0x7B]
        static let or: [UInt8] = [0x7D]
        static let notify: [UInt8] = [0x86]
        static let createDWordField: [UInt8] = [0x8A]
        static let lAnd: [UInt8] = [0x90]
        static let lOr: [UInt8] = [0x91]
        static let lNot: [UInt8] = [0x92]
        static let lEqual: [UInt8] = [0x93]
        static let lGreater: [UInt8] = [0x94]
        static let lLess: [UInt8] = [0x95]
        static let `if`: [UInt8] = [0xA0]
        static let `else`: [UInt8] = [0xA1]
        static let `return`: [UInt8] = [0xA4]
    }
}
