import VMConfig

/// plan.json as DESIGN.md defines it: addresses and sizes as lowercase 0x-hex strings, so 64-bit
/// values survive any JSON reader. Keys beyond the documented ones only add detail.
extension Plan {
    public var json: JSONText {
        .object([
            ("name", .string(name)), ("policy", .string(policy.rawValue)), ("vmm", .string(vmm.rawValue)),
            ("vcpus", .int(vcpus)), ("physBits", .int(physBits)),
            ("ecam", .optional(ecam) { ecam in
                .object([("base", .hex(ecam.base)), ("size", .hex(ecam.size)), ("segment", .int(ecam.segment)),
                         ("busStart", .int(ecam.busStart)), ("busEnd", .int(ecam.busEnd))])
            }),
            ("windows", .object([("io", span(windows.io)), ("mmio32", span(windows.mmio32)),
                                 ("mmio32Ranges", .array(windows.mmio32Ranges.map(span))),
                                 ("mmio64", .optional(windows.mmio64, span))])),
            ("hostBridges", .array(hostBridges.map { host in
                .object([("id", .string(host.id)), ("uid", .int(host.uid)), ("bdf", .optional(host.bdf) { .string($0.description) }),
                         ("busStart", .int(host.busStart)), ("busEnd", .int(host.busEnd)),
                         ("io", .array(host.io.map(span))), ("mmio32", .array(host.mmio32.map(span))),
                         ("mmio64", .array(host.mmio64.map(span)))])
            })),
            ("memory", memory.json),
            ("chipset", .object([("pmBase", .hex(UInt64(chipset.pmBase))), ("sciIrq", .int(chipset.sciIRQ)),
                                 ("pirqGsi", .array(chipset.pirqGSIs.map(JSONText.int)))])),
            ("e820", .array(e820.map { entry in
                .object([("start", .hex(entry.range.start)), ("size", .hex(entry.range.size)),
                         ("type", .string(entry.type.rawValue)), ("purpose", .string(entry.purpose))])
            })),
            ("relocatedRam", .hex(memory.relocatedRAM)),
            ("unassigned", .array(unassigned.map { item in
                .object([("id", .string(item.id)), ("bar", .optional(item.bar, JSONText.int)),
                         ("kind", .string(item.kind)), ("size", .hex(item.size))])
            })),
            ("hazards", .array(hazards.map { hazard in
                .object([("kind", .string(hazard.kind.rawValue)), ("ids", .array(hazard.ids.map(JSONText.string))),
                         ("detail", .string(hazard.detail))])
            })),
            ("departures", .array(departures.map(JSONText.string))),
            ("interruptRouting", .string(interruptRouting.rawValue)),
            ("warnings", .array(warnings.map(JSONText.string))),
            ("functions", .array(functions.map(\.json))),
        ])
    }
}

func span(_ range: AddressRange) -> JSONText {
    .object([("start", .hex(range.start)), ("end", .hex(range.end))])
}

extension MemoryMap {
    var json: JSONText {
        .object([
            ("lowRamEnd", .hex(lowRAMEnd)),
            ("highRam", .optional(highRAM, span)),
            ("hole", span(hole)),
            ("maxRamBelow4g", .hex(maxRAMBelow4G)),
            ("acpiTables", span(acpiTables)),
            ("firmwareRom", span(firmwareROM)),
            ("biosArea", span(biosArea)),
            ("acpi", .array(([acpi.rsdp] + acpi.tables).map { slot in
                .object([("signature", .string(slot.signature)), ("address", .hex(slot.address)),
                         ("capacity", .hex(slot.capacity))])
            })),
        ])
    }
}

extension PlannedFunction {
    var json: JSONText {
        var members: [(String, JSONText)] = [
            ("bdf", .string(bdf.description)), ("id", .string(id)), ("kind", .string(kind.rawValue)),
            ("model", .optional(model, JSONText.string)),
            ("vendor", .optional(vendorID) { .string(hex4($0)) }),
            ("device", .optional(deviceID) { .string(hex4($0)) }),
            ("class", .optional(classCode) { .hex(UInt64($0)) }),
        ]
        if kind.hasBridgeHeader {
            members += [
                ("secondaryBus", .optional(secondaryBus, JSONText.int)),
                ("subordinateBus", .optional(subordinateBus, JSONText.int)),
                ("hotplug", .bool(hotplug)),
                ("slot", .optional(slotNumber, JSONText.int)),
                ("windows", .object([("io", .optional(windows?.io, span)), ("mem", .optional(windows?.mem, span)),
                                     ("pref", .optional(windows?.pref, span))]
                                    + (windows?.isExtension == true ? [("extension", .bool(true))] : [])
                                    + (windows?.fixed.isEmpty == false ? [("fixed", .array(windows!.fixed.map(JSONText.string)))] : []))),
            ]
        }
        if kind == .hostBridge {
            // An expander is a type-0 function: its buses and windows are its host bridge's (hostBridges).
            members.append(("rootBus", .optional(secondaryBus, JSONText.int)))
        }
        members.append(("interrupt", .optional(interrupt) { route in
            .object([("pin", .string(String(UnicodeScalar(UInt8(64 + route.pin))))), ("pirq", .string(String(UnicodeScalar(UInt8(65 + route.pirq))))),
                     ("gsi", .int(route.gsi))])
        }))
        members.append(("bars", .array(bars.map { bar in
            .object([("bar", .int(bar.index)), ("kind", .string(bar.kind.rawValue)), ("prefetchable", .bool(bar.prefetchable)),
                     ("size", .hex(bar.size)), ("address", .optional(bar.address, JSONText.hex))]
                    + (bar.isExtension ? [("extension", .bool(true))] : [])
                    + (bar.isFixed ? [("fixed", .bool(true))] : []))
        })))
        return .object(members)
    }
}

func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
