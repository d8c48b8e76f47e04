/// A table with the common 36-byte header (ACPI 6.3, 5.2.6): everything but the RSDP and the FACS.
/// The header's identity comes from `ACPIOptions` when the bytes are produced, so one table value
/// serves any identity; the length and checksum are computed, never stored.
public struct ACPITable: Sendable, Hashable {
    public static let headerLength = 36

    /// Four ASCII characters.
    public var signature: String
    public var revision: UInt8
    /// Everything after the header.
    public var body: [UInt8]

    public init(signature: String, revision: UInt8, body: [UInt8]) {
        precondition(signature.utf8.count == 4 && signature.utf8.allSatisfy { $0 < 0x80 },
                     "a table signature is 4 ASCII characters, not '\(signature)'")
        self.signature = signature
        self.revision = revision
        self.body = body
    }

    public var length: Int { Self.headerLength + body.count }

    /// Header and body, with the checksum that makes all bytes sum to 0 (mod 256).
    /// `options` must be valid (`ACPIOptions.validate()`).
    public func bytes(options: ACPIOptions) -> [UInt8] {
        var writer = ByteWriter()
        writer.ascii(signature, width: 4)
        writer.u32(UInt32(length))
        writer.u8(revision)
        writer.u8(0)  // checksum, set below
        writer.ascii(options.oemID, width: 6)
        writer.ascii(options.oemTableID, width: 8)
        writer.u32(options.oemRevision)
        writer.ascii(options.creatorID, width: 4)
        writer.u32(options.creatorRevision)
        writer.append(body)
        var bytes = writer.bytes
        bytes[Self.checksumOffset] = acpiChecksum(bytes[...])
        return bytes
    }

    static let checksumOffset = 9
}

/// The byte that, stored in a zeroed checksum field, makes `bytes` sum to 0 (mod 256).
func acpiChecksum(_ bytes: ArraySlice<UInt8>) -> UInt8 {
    0 &- bytes.reduce(0, &+)
}

/// Why a table set cannot be produced for a plan or an identity.
public enum ACPITableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The plan has no ECAM window (the policy left it unassigned), so no MCFG can describe one.
    case noECAM(plan: String)
    /// An `ACPIOptions` field that no table header can carry.
    case invalidIdentity(field: String, value: String, accepted: String)

    public var description: String {
        switch self {
        case .noECAM(let plan):
            "plan '\(plan)' has no ECAM window (its policy could not place one), so no MCFG can be built; "
                + "give the VM room for the ECAM or use the toolstack policy"
        case .invalidIdentity(let field, let value, let accepted):
            "ACPI identity field \(field) = '\(value)' is not valid: accepted is \(accepted)"
        }
    }
}

extension ACPIOptions {
    /// Checks that every field fits its header field: printable ASCII, 1 to 6 characters for the
    /// OEM ID, 1 to 8 for the OEM table ID, 1 to 4 for the creator ID (shorter ones are padded
    /// with spaces).
    public func validate() throws(ACPITableError) {
        for (field, value, width) in [("oem_id", oemID, 6), ("oem_table_id", oemTableID, 8), ("creator_id", creatorID, 4)] {
            let encoded = Array(value.utf8)
            guard (1...width).contains(encoded.count), encoded.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw .invalidIdentity(field: field, value: value,
                                       accepted: "1 to \(width) printable ASCII characters")
            }
        }
    }
}
