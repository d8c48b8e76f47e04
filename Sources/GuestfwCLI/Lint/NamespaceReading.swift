import ACPI
import Foundation

/// The DSDT's host bridges and motherboard resources, read by evaluating it in acpiexec: QEMU's
/// DSDT, like others, may compute `_CRS` in a method, so the text of the ASL says too little.
enum NamespaceReading {
    static let hostBridgeIDs: Set<String> = ["PNP0A08", "PNP0A03"]
    static let motherboardIDs: Set<String> = ["PNP0C01", "PNP0C02"]

    /// Host bridges and PNP0C01/PNP0C02 reservations of the AML tables (DSDT, SSDT) among
    /// `tables`, files in `directory`. `source` names the DSDT in messages.
    static func read(tables: [String], in directory: URL, source: String) throws(CommandError)
        -> (hostBridges: [TableFacts.HostBridge], motherboard: [TableFacts.Reservation])
    {
        guard let acpiexec = ACPIExec.find() else { throw .badInput(ACPIExec.missing) }
        let names = try acpiexec.run(["all _HID", "all _CID", "all _UID", "all _SEG", "all _BBN"], tables: tables, in: directory)
        guard names.contains("successfully acquired and loaded") else {
            let reasons = ACPIExec.failureLines(names).prefix(3).joined(separator: "; ")
            throw .badInput("\(source): acpiexec could not load the AML tables (\(reasons.isEmpty ? "no reason given" : reasons)); accepted: a DSDT that ACPICA loads")
        }
        let values = ACPIExec.evaluations(names)
        func ids(_ device: String) -> Set<String> {
            Set(((values[device + "._HID"] ?? []) + (values[device + "._CID"] ?? [])).compactMap { value -> String? in
                switch value {
                case .integer(let number): AML.EISAID.decode(number)
                case .string(let text): text
                }
            })
        }
        let devices = values.keys.filter { $0.hasSuffix("._HID") || $0.hasSuffix("._CID") }
            .map { String($0.dropLast(5)) }
        let unique = Set(devices).sorted()
        var hostBridges: [TableFacts.HostBridge] = []
        var motherboard: [TableFacts.Reservation] = []
        for device in unique {
            let identity = ids(device)
            if !identity.isDisjoint(with: hostBridgeIDs) {
                let crs = ACPIExec.decodedCRS(try acpiexec.run(["resources \(device)"], tables: tables, in: directory))
                hostBridges.append(hostBridge(device, crs: crs, values: values))
            } else if let hid = identity.intersection(motherboardIDs).sorted().first {
                let crs = ACPIExec.decodedCRS(try acpiexec.run(["resources \(device)"], tables: tables, in: directory))
                motherboard += memoryRanges(crs).map { TableFacts.Reservation(path: device, hid: hid, range: $0) }
            }
        }
        return (hostBridges, motherboard)
    }

    static func hostBridge(_ device: String, crs: [ACPIExec.Resource], values: [String: [ACPIExec.Value]]) -> TableFacts.HostBridge {
        func integer(_ name: String) -> UInt64? {
            if case .integer(let value)? = values[device + "." + name]?.first { return value }
            return nil
        }
        let busRange = crs.first { $0.fields["Resource Type"] == "Bus Number Range" }.flatMap { resource -> ClosedRange<Int>? in
            guard let low = resource.hex("Address Minimum"), let high = resource.hex("Address Maximum"), low <= high, high <= 0xFF else { return nil }
            return Int(low)...Int(high)
        }
        return TableFacts.HostBridge(path: device, uid: values[device + "._UID"]?.first, segment: integer("_SEG") ?? 0,
                                     buses: busRange, baseBus: integer("_BBN").map { Int(min($0, 0xFF)) },
                                     memory: memoryRanges(crs))
    }

    /// Memory descriptors as Linux's check_mcfg_resource reads them: a 32-bit fixed memory range
    /// (address, length) and address space descriptors of the memory type (minimum, length).
    static func memoryRanges(_ crs: [ACPIExec.Resource]) -> [ClosedRange<UInt64>] {
        crs.compactMap { resource in
            let start: UInt64?, length: UInt64?
            if resource.title.hasPrefix("32-Bit Fixed Memory Range") {
                (start, length) = (resource.hex("Address"), resource.hex("Address Length"))
            } else if resource.title.contains("Address Space"), resource.fields["Resource Type"] == "Memory Range" {
                (start, length) = (resource.hex("Address Minimum"), resource.hex("Address Length"))
            } else {
                return nil
            }
            guard let start, let length, length > 0 else { return nil }
            let (last, overflow) = start.addingReportingOverflow(length - 1)
            return overflow ? start...UInt64.max : start...last
        }
    }
}
