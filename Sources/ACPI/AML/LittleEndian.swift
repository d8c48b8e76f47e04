extension AML {
    /// The bytes of `value`, least significant first: AML and resource descriptors store every
    /// multi-byte number little-endian. Kept inside `AML` so it cannot clash with a helper of the
    /// same name elsewhere in the module.
    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    /// `value` converted to `T`, stopping with a message naming `what` when it does not fit:
    /// the callers build tables from a plan, and a silently truncated address is a wrong table.
    static func exactly<T: FixedWidthInteger>(_ value: some BinaryInteger, _ what: String) -> T {
        guard let converted = T(exactly: value) else {
            preconditionFailure("AML: \(what) \(value) does not fit in \(T.bitWidth) bits")
        }
        return converted
    }
}
