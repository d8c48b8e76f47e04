import VMConfig

/// Two plans of one VM side by side: the fields the ECAM debate is about, and every BAR or
/// bridge window whose address differs.
public struct PlanComparison: Sendable {
    public enum Field: String, Sendable, CaseIterable {
        case ecamBase = "ECAM base", ecamSize = "ECAM size", holeStart = "hole start", holeSize = "hole size"
        case lowRAMKept = "low RAM kept", ramRelocated = "RAM relocated"
        case barsAbove4G = "BARs above 4G", sizeAbove4G = "size above 4G", window64 = "64-bit window"
        case window32 = "32-bit window", unassigned = "unassigned", hazards = "hazards"
    }

    public struct Row: Sendable, Equatable {
        public var field: Field
        public var left: String
        public var right: String
        public var differs: Bool { left != right }
    }

    public struct Difference: Sendable, Equatable {
        /// `id BAR n` or `id mem-window` and so on.
        public var resource: String
        public var bdf: String
        public var size: UInt64
        public var left: UInt64?
        public var right: UInt64?
        /// A resource hvmloader does not place itself (see `leftToGuest`).
        public var hvmloaderLeavesIt = false
    }

    public var left: Plan
    public var right: Plan
    public var rows: [Row]
    public var differences: [Difference]
    /// Resources hvmloader does not place itself, by the names `differences` uses: what the
    /// hvmloader plan left unassigned, and what guestfw placed for it and marked as an extension
    /// (behind a bridge, where hvmloader leaves the guest OS to assign). Empty when neither plan
    /// is an hvmloader plan.
    public var leftToGuest: Set<String>

    public init(_ left: Plan, _ right: Plan) {
        self.left = left
        self.right = right
        rows = Field.allCases.map { Row(field: $0, left: PlanComparison.value($0, left), right: PlanComparison.value($0, right)) }
        let leftPlaced = PlanComparison.placements(left), rightPlaced = PlanComparison.placements(right)
        differences = Set(leftPlaced.keys).union(rightPlaced.keys).compactMap { key -> Difference? in
            let a = leftPlaced[key], b = rightPlaced[key]
            guard a?.address != b?.address, let any = a ?? b else { return nil }
            return Difference(resource: key, bdf: any.bdf, size: any.size, left: a?.address, right: b?.address)
        }.sorted { ($0.bdf, $0.resource) < ($1.bdf, $1.resource) }
        let hvmloader = [left, right].first { $0.policy == .hvmloader }
        let leftOut = hvmloader.map(PlanComparison.leftToGuest) ?? []
        leftToGuest = leftOut
        for index in differences.indices { differences[index].hvmloaderLeavesIt = leftOut.contains(differences[index].resource) }
    }

    /// The fields that say where the ECAM, the hole and RAM are.
    public static let placementFields: [Field] = [.ecamBase, .ecamSize, .holeStart, .holeSize, .lowRAMKept, .ramRelocated]

    /// The plans differ, and only in resources hvmloader leaves to the guest: the ECAM, the hole
    /// and RAM are the same, and every resource placed differently is in `leftToGuest`.
    public var differsOnlyInWhatHvmloaderLeavesToTheGuest: Bool {
        !differences.isEmpty && differences.allSatisfy(\.hvmloaderLeavesIt)
            && rows.allSatisfy { !$0.differs || !PlanComparison.placementFields.contains($0.field) }
    }

    static func leftToGuest(_ plan: Plan) -> Set<String> {
        var keys: Set<String> = []
        for function in plan.functions {
            for bar in function.bars where bar.address == nil || bar.isExtension {
                keys.insert("\(function.id) BAR\(bar.index) \(bar.kind.rawValue)")
            }
            if let windows = function.windows, windows.isExtension {
                for (name, range) in [("io-window", windows.io), ("mem-window", windows.mem), ("pref-window", windows.pref)] where range != nil {
                    keys.insert("\(function.id) \(name)")
                }
            }
        }
        for resource in plan.unassigned where resource.bar == nil && resource.kind != "ecam" {
            keys.insert("\(resource.id) \(resource.kind)")
        }
        return keys
    }

    public var differingFields: [Field] { rows.filter(\.differs).map(\.field) }

    public static func value(_ field: Field, _ plan: Plan) -> String {
        let high = plan.functions.flatMap(\.bars).filter { ($0.address ?? 0) >= FixedRanges.fourGiB }
        switch field {
        case .ecamBase: return plan.ecam.map { hex($0.base) } ?? "unassigned"
        case .ecamSize: return plan.ecam.map { Quantity.format($0.size) } ?? "-"
        case .holeStart: return hex(plan.memory.hole.start)
        case .holeSize: return Quantity.format(FixedRanges.fourGiB - plan.memory.hole.start)
        case .lowRAMKept: return Quantity.format(plan.memory.lowRAMEnd)
        case .ramRelocated: return Quantity.format(plan.memory.relocatedRAM)
        case .barsAbove4G: return String(high.count)
        case .sizeAbove4G: return Quantity.format(high.reduce(0) { $0 + $1.size })
        case .window64: return plan.windows.mmio64.map(\.description) ?? "none"
        case .window32: return plan.windows.mmio32Ranges.map(\.description).joined(separator: " ")
        case .unassigned: return String(plan.unassigned.count)
        case .hazards:
            return plan.hazards.isEmpty ? "0" : "\(plan.hazards.count) (\(plan.hazards.map(\.kind.rawValue).joined(separator: ", ")))"
        }
    }

    /// Every placed thing of a plan by a stable name.
    static func placements(_ plan: Plan) -> [String: (bdf: String, size: UInt64, address: UInt64?)] {
        var result: [String: (bdf: String, size: UInt64, address: UInt64?)] = [:]
        for function in plan.functions {
            for bar in function.bars {
                result["\(function.id) BAR\(bar.index) \(bar.kind.rawValue)"] = (function.bdf.description, bar.size, bar.address)
            }
            guard let windows = function.windows else { continue }
            for (name, range) in [("io-window", windows.io), ("mem-window", windows.mem), ("pref-window", windows.pref)] {
                if let range { result["\(function.id) \(name)"] = (function.bdf.description, range.size, range.start) }
            }
        }
        return result
    }
}
