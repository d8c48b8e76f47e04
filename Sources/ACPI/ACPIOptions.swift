import VMConfig

/// The identity every table header carries. Stable by default, so golden tables never change by
/// accident; configurable, so a VMM can present its own.
public struct ACPIOptions: Sendable, Hashable {
    /// 6 ASCII characters (padded with spaces).
    public var oemID: String
    /// 8 ASCII characters (padded with spaces).
    public var oemTableID: String
    public var oemRevision: UInt32
    /// 4 ASCII characters.
    public var creatorID: String
    public var creatorRevision: UInt32

    public init(oemID: String = "GSTFW", oemTableID: String = "GUESTFW", oemRevision: UInt32 = 1,
                creatorID: String = "GFW", creatorRevision: UInt32 = 1) {
        self.oemID = oemID
        self.oemTableID = oemTableID
        self.oemRevision = oemRevision
        self.creatorID = creatorID
        self.creatorRevision = creatorRevision
    }
}


extension ACPIOptions {
    /// The description's `[acpi]` identity over guestfw's defaults.
    public init(_ identity: TableIdentity) {
        let defaults = ACPIOptions()
        self.init(oemID: identity.oemID ?? defaults.oemID, oemTableID: identity.oemTableID ?? defaults.oemTableID,
                  oemRevision: identity.oemRevision ?? defaults.oemRevision)
    }
}
