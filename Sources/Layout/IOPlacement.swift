import VMConfig

/// PCI I/O space: [0x1000, 0x10000), below which the chipset and legacy ISA devices live.
/// Allocation starts at 0xC000 when everything fits above it, as hvmloader and SeaBIOS do, and
/// at 0x1000 otherwise (unless the policy allows no fallback, as hvmloader on Xen does not).
enum IOPlacement {
    static let space = AddressRange(start: 0x1000, limit: 0x10000)
    static let preferredStart: UInt64 = 0xC000

    struct Outcome {
        var addresses: [ResourceOwner: UInt64] = [:]
        var unassigned: [Request] = []
        var droppedDefaultWindows: [String] = []
        var warnings: [String] = []
        /// Allocation had to start below the preferred start.
        var usedLowIO = false
    }

    /// An explicit reservation that does not fit is an error under either policy: the user asked
    /// for it. `defaultOnly` are the hot-pluggable ports whose I/O window is only the default
    /// reservation: they are the first to go when I/O space runs out.
    static func place(_ requests: [Request], defaultOnly: Set<String>, explicitReservations: Set<String>,
                      strict: Bool, space: AddressRange = space, preferredStart: UInt64? = preferredStart,
                      order: (Request, Request) -> Bool = placementOrder, taken: [AddressRange] = []) throws(LayoutError) -> Outcome {
        var outcome = Outcome()
        var wanted = requests
        // Identity I/O BARs (and windows fixed around them) are taken before anything is placed.
        let room = { (range: AddressRange) in AddressRange.subtracting(taken, from: [range]).reduce(0) { $0 + $1.size } }
        if packedSize(requests.sorted(by: order)) > room(space) {
            wanted = requests.filter { !defaultOnly.contains($0.owner.id) || !isWindow($0) }
            outcome.droppedDefaultWindows = requests.filter { defaultOnly.contains($0.owner.id) && isWindow($0) }.map(\.owner.id).sorted()
            if !outcome.droppedDefaultWindows.isEmpty {
                outcome.warnings.append("PCI I/O space (\(Quantity.format(space.size))) cannot hold every default 4K I/O window: hot-pluggable ports \(outcome.droppedDefaultWindows.joined(separator: ", ")) get none (an I/O device hot-plugged there will not work)")
            }
        }
        let ordered = wanted.sorted(by: order)
        var start = space.start
        if let preferredStart {
            outcome.usedLowIO = packedSize(ordered) > room(AddressRange(start: preferredStart, limit: space.limit))
            if !outcome.usedLowIO { start = preferredStart }
        }
        // Around identity ranges the gaps are used (first fit), and what the preferred start
        // leaves out between them is tried again from the bottom of the space.
        func allocate(from start: UInt64) -> (addresses: [ResourceOwner: UInt64], unassigned: [Request]) {
            var allocator = RangeAllocator([AddressRange(start: start, limit: space.limit)], discipline: taken.isEmpty ? .bump : .firstFit,
                                           skipping: taken)
            var result: (addresses: [ResourceOwner: UInt64], unassigned: [Request]) = ([:], [])
            for request in ordered {
                if let address = allocator.allocate(size: request.size, alignment: request.alignment) {
                    result.addresses[request.owner] = address
                } else {
                    result.unassigned.append(request)
                }
            }
            return result
        }
        (outcome.addresses, outcome.unassigned) = allocate(from: start)
        if !outcome.unassigned.isEmpty && !taken.isEmpty && start > space.start {
            (outcome.addresses, outcome.unassigned) = allocate(from: space.start)
            outcome.usedLowIO = true
        }
        let explicitMissing = outcome.unassigned.contains { isWindow($0) && explicitReservations.contains($0.owner.id) }
        if (strict || explicitMissing) && !outcome.unassigned.isEmpty {
            let needed = wanted.reduce(0) { $0 + $1.size }, misfits = outcome.unassigned.map(LayoutError.Misfit.init)
            // Identity ranges can leave room in total but no aligned gap: say which it is.
            if taken.isEmpty { throw .ioSpaceExhausted(needed: needed, available: space.size, misfits: misfits) }
            throw LayoutError.allocationFailure(space: "PCI I/O space", window: space, needed: needed, available: room(space),
                                                misfits: misfits) { .ioSpaceExhausted(needed: $0, available: $1, misfits: $2) }
        }
        return outcome
    }

    static func isWindow(_ request: Request) -> Bool {
        if case .window = request.owner { return true }
        return false
    }
}
