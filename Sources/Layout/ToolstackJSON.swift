import VMConfig

/// toolstack.json: what a toolstack must set before boot for the guest to see this plan — the
/// ECAM window, the MMIO hole, QEMU's max-ram-below-4g, the E820 map, and per VMM the settings
/// of `ToolstackSettings` (for Xen the xl.cfg settings, the xenstore keys hvmloader reads, the
/// HVMOP_set_ecam_space arguments and libxl's QEMU arguments; for QEMU its -machine/-global).
extension Plan {
    public func toolstackJSON(_ config: MachineConfig) -> JSONText {
        ToolstackSettings(plan: self, config: config).json(self)
    }
}

extension ToolstackSettings {
    public func json(_ plan: Plan) -> JSONText {
        var members: [(String, JSONText)] = [
            ("name", .string(plan.name)), ("vmm", .string(plan.vmm.rawValue)), ("policy", .string(plan.policy.rawValue)),
            ("ecam", .optional(plan.ecam) { ecam in
                .object([("base", .hex(ecam.base)), ("size", .hex(ecam.size)), ("segment", .int(ecam.segment)),
                         ("busStart", .int(ecam.busStart)), ("busEnd", .int(ecam.busEnd))])
            }),
            ("mmioHole", .object([("start", .hex(plan.memory.hole.start)), ("size", .hex(holeSize)),
                                  ("fixedBeforeBoot", .bool(holeIsFixed))])),
            ("maxRamBelow4g", .hex(plan.memory.maxRAMBelow4G)),
            ("e820", .array(plan.e820.map { entry in
                .object([("start", .hex(entry.range.start)), ("size", .hex(entry.range.size)), ("type", .string(entry.type.rawValue))])
            })),
        ]
        switch plan.vmm {
        case .qemu:
            members.append(("qemu", .object([
                ("machine", .optional(qemuMachine, JSONText.string)),
                ("global", .array(qemuGlobals.map(JSONText.string))),
                ("args", .array(qemuArgs.map(JSONText.string))),
            ])))
        case .xen:
            members.append(("xl", .object(xl.map { ($0.key, $0.value.json) })))
            members.append(("xlUnexpressed", .array(xlUnexpressed.map(JSONText.string))))
            members.append(("xenstore", .object(xenstore.map { ($0.key, .string($0.value)) })))
            members.append(("hvmopSetEcamSpace", .optional(ecamSpace) { call in
                .object([("op", .int(ECAMSpaceArguments.op)), ("caller", .string(call.caller.rawValue)),
                         ("domid", .string(call.caller == .hvmloader ? "DOMID_SELF" : "the guest's domid")),
                         ("addr", .hex(call.addr)), ("size", .hex(call.size)), ("accepted", .bool(call.sizeAccepted))])
            }))
            members.append(("deviceModelArgs", .array(deviceModelArgs.map(JSONText.string))))
        }
        members.append(("notes", .array(notes.map(JSONText.string))))
        return .object(members)
    }
}

extension XLSetting.Value {
    var json: JSONText {
        switch self {
        case .int(let number): .int(Int(number))
        case .string(let text): .string(text)
        case .list(let items): .array(items.map(JSONText.string))
        }
    }
}
