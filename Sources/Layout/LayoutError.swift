import VMConfig

/// Why no layout exists, with the numbers that prove it.
public enum LayoutError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Resources that must live below 4 GiB do not fit in the largest 32-bit window the policy can have.
    case lowWindowTooSmall(needed: UInt64, available: UInt64, window: AddressRange?, misfits: [Misfit])
    /// 64-bit resources do not fit in the 64-bit window (given size, or what phys_bits leaves).
    case window64TooSmall(needed: UInt64, available: UInt64, misfits: [Misfit])
    /// The I/O windows and I/O BARs do not fit in the 60 KiB of PCI I/O space.
    case ioSpaceExhausted(needed: UInt64, available: UInt64, misfits: [Misfit])
    /// There is room in total, but no naturally aligned place for some resources (a BAR or window
    /// must start on a multiple of its alignment, and no such start leaves it inside the window).
    case noAlignedPlace(space: String, window: AddressRange, needed: UInt64, available: UInt64, misfits: [Misfit])
    /// An identity-placed BAR (`placement = "identity"`), or a window fixed around such BARs, at a
    /// place it cannot have: `problem` names the other party with its range.
    case identityConflict(resource: String, range: AddressRange?, problem: String)
    /// A value of the description contradicts the memory map (exit code 2, not 1).
    case conflictingInput(field: String, value: String, problem: String, accepted: String)

    public struct Misfit: Sendable, Equatable, CustomStringConvertible {
        public var id: String
        public var what: String
        public var size: UInt64
        public var alignment: UInt64 = 0
        public var description: String {
            "\(id) \(what) (\(Quantity.format(size))\(alignment > size ? ", aligned to \(Quantity.format(alignment))" : ""))"
        }
    }

    public var isInputError: Bool {
        if case .conflictingInput = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .lowWindowTooSmall(let needed, let available, let window, let misfits):
            let windowText = window.map { " \($0)" } ?? ""
            return "the 32-bit window\(windowText) holds \(Quantity.format(available)) but the resources that must live below 4G need at least \(Quantity.format(needed)) (short by \(Quantity.format(needed &- available))); does not fit: \(list(misfits))"
        case .window64TooSmall(let needed, let available, let misfits):
            return "the 64-bit window holds \(Quantity.format(available)) but needs \(Quantity.format(needed)) (short by \(Quantity.format(needed &- available))); does not fit: \(list(misfits))"
        case .ioSpaceExhausted(let needed, let available, let misfits):
            return "PCI I/O space holds \(hex(available)) bytes but needs \(hex(needed)) (short by \(hex(needed &- available))); does not fit: \(list(misfits))"
        case .noAlignedPlace(let space, let window, let needed, let available, let misfits):
            return "the \(space) \(window) has \(Quantity.format(available)) for \(Quantity.format(needed)) of resources, but no place in it is aligned for \(list(misfits)) (each must start on a multiple of its size)"
        case .identityConflict(let resource, let range, let problem):
            return "placement = \"identity\": \(resource)\(range.map { " \($0)" } ?? "") \(problem)"
        case .conflictingInput(let field, let value, let problem, let accepted):
            return "\(field) = \(value): \(problem); accepted: \(accepted)"
        }
    }

    private func list(_ misfits: [Misfit]) -> String {
        misfits.prefix(8).map(\.description).joined(separator: ", ") + (misfits.count > 8 ? " and \(misfits.count - 8) more" : "")
    }
}

extension LayoutError {
    /// The honest reason an allocation failed: too little room in total, or only no aligned place.
    static func allocationFailure(space: String, window: AddressRange, needed: UInt64, available: UInt64,
                                  misfits: [Misfit], tooSmall: (UInt64, UInt64, [Misfit]) -> LayoutError) -> LayoutError {
        needed > available ? tooSmall(needed, available, misfits)
            : .noAlignedPlace(space: space, window: window, needed: needed, available: available, misfits: misfits)
    }
}

extension LayoutError.Misfit {
    init(_ request: Request) {
        let what: String = switch request.owner {
        case .bar(_, let index): "BAR \(index) \(request.kindName)"
        case .window(_, let kind): kind.rawValue
        case .ecam: "ECAM"
        }
        self.init(id: request.owner.id, what: what, size: request.size, alignment: request.alignment)
    }
}
