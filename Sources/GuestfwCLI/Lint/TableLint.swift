import ACPI
import Layout

/// The checks that read a table set (checks 3-7 of issue 10): duplicate host bridge `_UID`s, PM1a
/// blocks, the ECAM's reservation, MCFG against `_CRS` bus ranges, 64-bit windows.
enum TableLint {
    /// Linux x86-64 with 4-level paging maps at most 2^46 bytes of physical address space
    /// (MAX_PHYSMEM_BITS = 46); older kernels and Windows releases mishandle windows above it.
    static let oldGuestLimitBits = 46

    static func check(_ facts: TableFacts) -> LintReport {
        var report = LintReport()
        if !facts.hasDSDT {
            report.notes.append("no DSDT in the set: the host bridge checks (_UID, MCFG against _CRS, 64-bit windows) did not run, and only the E820 can reserve the ECAM")
        } else if facts.hostBridges.isEmpty {
            report.notes.append("the DSDT declares no host bridge (no device with _HID or _CID PNP0A08/PNP0A03 evaluates): the _UID, MCFG bus range and 64-bit window checks had nothing to read")
        }
        report.add(uniqueUIDs(facts))
        report.add(pm1aBlocks(facts))
        report.add(ecamReserved(facts))
        report.add(mcfgBuses(facts))
        report.add(windows64(facts))
        return report
    }

    static func uniqueUIDs(_ facts: TableFacts) -> LintReport {
        var report = LintReport()
        let groups = Dictionary(grouping: facts.hostBridges.filter { $0.uid != nil }, by: { $0.uid! })
        for (uid, bridges) in groups.sorted(by: { $0.value[0].path < $1.value[0].path }) where bridges.count > 1 {
            let paths = bridges.map(\.path)
            report.findings.append(LintFinding(
                id: "duplicate-host-bridge-uid",
                location: "DSDT \(paths.joined(separator: ", ")) _UID",
                reason: "\(bridges.count) host bridges (PNP0A08/PNP0A03) share _UID \(uid): Windows stops with bug check 0xA5 (ACPI_BIOS_ERROR) when two devices of one _HID have the same _UID",
                fix: "give every host bridge its own _UID (guestfw uses 0 for PCI0 and an expander's bus_nr for the others)"))
        }
        return report
    }

    static func pm1aBlocks(_ facts: TableFacts) -> LintReport {
        var report = LintReport()
        guard let pm1a = facts.pm1a else {
            report.notes.append("no FACP in the set: the PM1a check did not run")
            return report
        }
        for block in [pm1a.event, pm1a.control] where block.address == 0 {
            report.findings.append(LintFinding(
                id: "fadt-no-pm1a",
                location: "FACP \(block.fields)",
                reason: "the FADT gives the \(block.name == "PM1a_EVT_BLK" ? "PM1a event" : "PM1a control") block address 0: Windows refuses an FADT without PM1a blocks (it has no driver for the hardware-reduced alternative, the Generic Event Device), so it does not boot",
                fix: "a full FADT with \(block.name) at the chipset's PM block (ICH9: PMBASE + \(block.name == "PM1a_EVT_BLK" ? "0" : "4")), in both the 32-bit field and X_\(block.name)"))
        }
        return report
    }

    static func ecamReserved(_ facts: TableFacts) -> LintReport {
        var report = LintReport()
        guard let mcfg = facts.mcfg else {
            report.notes.append("no MCFG in the set: the ECAM reservation and bus range checks did not run")
            return report
        }
        if facts.e820Reserved == nil {
            report.notes.append("E820 unknown (no plan.json): the ECAM must then be reserved by a PNP0C01/PNP0C02 device")
        }
        for entry in mcfg {
            let location = "MCFG entry \(entry.index) (segment \(entry.segment), buses \(hex2(entry.startBus))-\(hex2(entry.endBus)), base \(hex(entry.base)))"
            guard let ecam = entry.ecam else {
                report.findings.append(LintFinding(
                    id: "ecam-not-reserved", location: location,
                    reason: "the entry's ECAM has no valid range (its end bus is below its start bus or it passes 2^64): Linux rejects it and does not use MMCONFIG",
                    fix: "an entry whose buses start <= end and whose ECAM lies in the address space"))
                continue
            }
            let range = ecam.first...ecam.last
            let byMotherboard = facts.motherboard.first { $0.range.lowerBound <= range.lowerBound && range.upperBound <= $0.range.upperBound }
            let byE820 = facts.e820Reserved.map { covers($0, range) } ?? false
            guard byMotherboard == nil && !byE820 else { continue }
            let ecamText = "the ECAM [\(hex(range.lowerBound))-\(hex(range.upperBound))]"
            let what = facts.e820Reserved == nil
                ? "\(ecamText) is not reserved by a PNP0C01/PNP0C02 device's _CRS, and the E820 is unknown (no plan.json beside the tables)"
                : "\(ecamText) is reserved neither in the E820 (\(facts.e820Source), type reserved) nor by a PNP0C01/PNP0C02 device's _CRS"
            report.findings.append(LintFinding(
                id: "ecam-not-reserved", location: location,
                reason: "\(what): Linux logs \"MMCONFIG at [mem ...] not reserved in ACPI motherboard resources\" and then \"PCI: not using MMCONFIG\", losing extended config space (a partial E820 reservation only shrinks the buses it uses)",
                fix: "reserve the whole ECAM in a PNP0C02 device's _CRS (a Memory32Fixed, or a QWordMemory above 4 GiB) and as a reserved E820 entry"))
        }
        return report
    }

    /// Every bus a host bridge's `_CRS` claims must have an MCFG entry (what Linux checks); with
    /// one host bridge in a segment the two ranges must also be equal (DESIGN's invariant 4).
    /// With expanders the MCFG may cover buses past the last expander's range, as QEMU's own
    /// q35 tables do (PCI0 ends below the first pxb-pcie, the MCFG covers every bus).
    static func mcfgBuses(_ facts: TableFacts) -> LintReport {
        var report = LintReport()
        guard let mcfg = facts.mcfg, facts.hasDSDT else { return report }
        let segments = Set(mcfg.map { UInt64($0.segment) }).union(facts.hostBridges.map(\.segment)).sorted()
        for segment in segments {
            let entries = mcfg.filter { UInt64($0.segment) == segment && $0.startBus <= $0.endBus }
            let bridges = facts.hostBridges.filter { $0.segment == segment }
            let inMCFG = merged(entries.map { $0.startBus...$0.endBus })
            let inCRS = merged(bridges.map(\.effectiveBuses))
            let uncovered = inCRS.flatMap { range in subtract(inMCFG, from: range) }
            guard !uncovered.isEmpty || (bridges.count == 1 && inMCFG != inCRS) else { continue }
            let mcfgText = inMCFG.isEmpty ? "no buses" : "buses " + inMCFG.map(busText).joined(separator: ", ")
            let crsText = bridges.isEmpty ? "no host bridge" : bridges.map { "\($0.path) \(busText($0.effectiveBuses))\($0.buses == nil ? " (no bus range in _CRS: _BBN-ff)" : "")" }.joined(separator: ", ")
            let reason = uncovered.isEmpty
                ? "the MCFG covers buses that the only host bridge's _CRS does not claim: the ECAM of those buses is decoded by no bridge, and the two ranges no longer say the same thing (a Linux that trusts the MCFG reserves and maps ECAM for buses that cannot exist)"
                : "buses \(uncovered.map(busText).joined(separator: ", ")) of the host bridges' _CRS have no MCFG entry: Linux reaches their config space only through port 0xCF8, without extended config space (AER, resizable BARs), and logs \"MMCONFIG for domain ... only partially covers this bridge\"; Windows likewise finds no ECAM for them"
            report.findings.append(LintFinding(
                id: "mcfg-bus-range",
                location: "MCFG segment \(segment) (\(mcfgText)) against the host bridges' _CRS (\(crsText))",
                reason: reason,
                fix: "make the MCFG's bus range (per segment) the buses the host bridges' _CRS claim: one host bridge, the same range; several, an MCFG range that covers all of theirs"))
        }
        return report
    }

    /// The parts of `range` outside every range of `taken` (which are merged and sorted).
    static func subtract(_ taken: [ClosedRange<Int>], from range: ClosedRange<Int>) -> [ClosedRange<Int>] {
        var left: [ClosedRange<Int>] = [range]
        for cut in taken {
            left = left.flatMap { piece -> [ClosedRange<Int>] in
                guard piece.overlaps(cut) else { return [piece] }
                var pieces: [ClosedRange<Int>] = []
                if piece.lowerBound < cut.lowerBound { pieces.append(piece.lowerBound...(cut.lowerBound - 1)) }
                if cut.upperBound < piece.upperBound { pieces.append((cut.upperBound + 1)...piece.upperBound) }
                return pieces
            }
        }
        return left
    }

    static func windows64(_ facts: TableFacts) -> LintReport {
        var report = LintReport()
        if facts.physBits == nil {
            report.notes.append("phys_bits unknown (no plan.json): only the 2^46 limit was checked for 64-bit windows")
        }
        for bridge in facts.hostBridges {
            for window in bridge.memory where window.upperBound >= 1 << 32 {
                let location = "DSDT \(bridge.path)._CRS memory window [\(hex(window.lowerBound))-\(hex(window.upperBound))]"
                if let bits = facts.physBits, bits < 64, window.upperBound >= UInt64(1) << bits {
                    report.findings.append(LintFinding(
                        id: "window64-beyond-phys-bits", location: location,
                        reason: "the window ends above 2^\(bits) (phys_bits \(bits), from \(facts.physBitsSource)): the guest's CPU cannot address it, so Linux and Windows cannot place or reach BARs there (Linux's ioremap refuses addresses beyond the CPU's physical address width)",
                        fix: "end the 64-bit window below 2^\(bits) (a smaller mmio.window64), or raise phys_bits to what the host CPU gives the guest"))
                } else if window.upperBound >= 1 << oldGuestLimitBits {
                    report.findings.append(LintFinding(
                        id: "window64-above-2^46", location: location,
                        reason: "the window ends above 2^46: x86-64 Linux without 5-level paging maps at most 2^46 bytes of physical address space (MAX_PHYSMEM_BITS = 46) and older kernels and Windows releases mishandle BARs up there",
                        fix: "keep the 64-bit window below 2^46 (a smaller mmio.window64)"))
                }
            }
        }
        return report
    }

    /// Does the union of `ranges` cover `range` entirely (adjacent ranges join)?
    static func covers(_ ranges: [ClosedRange<UInt64>], _ range: ClosedRange<UInt64>) -> Bool {
        var next = range.lowerBound
        for piece in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where piece.lowerBound <= next && piece.upperBound >= next {
            if piece.upperBound >= range.upperBound { return true }
            next = piece.upperBound + 1
        }
        return false
    }

    static func merged(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    static func busText(_ range: ClosedRange<Int>) -> String { hex2(range.lowerBound) + "-" + hex2(range.upperBound) }

    static func hex2(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
