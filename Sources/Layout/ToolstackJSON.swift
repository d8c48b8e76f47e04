import VMConfig

/// toolstack.json: what a toolstack must set before boot for the guest to see this plan —
/// the ECAM window (Xen's HVMOP_set_ecam_space takes exactly these), the MMIO hole, QEMU's
/// max-ram-below-4g, the E820 map, and for Xen the xenstore key hvmloader reads.
extension Plan {
    public var toolstackJSON: JSONText {
        var members: [(String, JSONText)] = [
            ("name", .string(name)), ("vmm", .string(vmm.rawValue)), ("policy", .string(policy.rawValue)),
            ("ecam", .optional(ecam) { ecam in
                .object([("base", .hex(ecam.base)), ("size", .hex(ecam.size)), ("segment", .int(ecam.segment)),
                         ("busStart", .int(ecam.busStart)), ("busEnd", .int(ecam.busEnd))])
            }),
            ("mmioHole", .object([("start", .hex(memory.hole.start)),
                                  ("size", .hex(FixedRanges.fourGiB - memory.hole.start))])),
            ("maxRamBelow4g", .hex(memory.maxRAMBelow4G)),
            ("e820", .array(e820.map { entry in
                .object([("start", .hex(entry.range.start)), ("size", .hex(entry.range.size)), ("type", .string(entry.type.rawValue))])
            })),
        ]
        switch vmm {
        case .qemu:
            // QEMU takes the RAM split as a machine property; it has none for the ECAM base,
            // which the firmware image programs into PCIEXBAR at reset.
            members.append(("qemu", .object([("machine", .string("q35,max-ram-below-4g=\(memory.maxRAMBelow4G)"))])))
        case .xen:
            members.append(("xenstore", .object([
                ("platform/mmio_hole_size", .string(String(FixedRanges.fourGiB - memory.hole.start))),
            ])))
        }
        return .object(members)
    }
}
