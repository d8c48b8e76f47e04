import Foundation
import Layout
import VMConfig

/// `compare` over several descriptions: one row per description and policy, as a text table or
/// as RFC 4180 CSV. The text uses readable sizes; the CSV exact 0x-hex values, as plan.json does.
enum CompareTable {
    struct Row {
        var source: String
        var name: String
        var policy: PlacementPolicy
        var plan: Plan?
        var error: String?
    }

    static func rows(_ outcomes: [CompareOutcome]) -> [Row] {
        outcomes.flatMap { outcome in
            outcome.results.map { entry in
                switch entry.result {
                case .success(let plan): Row(source: outcome.source, name: outcome.name, policy: entry.policy, plan: plan)
                case .failure(let failure): Row(source: outcome.source, name: outcome.name, policy: entry.policy, error: failure.message)
                }
            }
        }
    }

    /// What the summary says of a plan, as numbers.
    struct Summary {
        var ecamBase: UInt64?
        var ecamSize: UInt64?
        var holeStart: UInt64
        var holeSize: UInt64
        var lowRAMKept: UInt64
        var ramRelocated: UInt64
        var barsAbove4G: Int
        var sizeAbove4G: UInt64
        var unassigned: Int
        var hazards: Int
        /// Each kind once, in the order the plan lists them.
        var hazardKinds: [String]

        init(_ plan: Plan) {
            ecamBase = plan.ecam?.base
            ecamSize = plan.ecam?.size
            holeStart = plan.memory.hole.start
            holeSize = FixedRanges.fourGiB - plan.memory.hole.start
            lowRAMKept = plan.memory.lowRAMEnd
            ramRelocated = plan.memory.relocatedRAM
            let high = plan.functions.flatMap(\.bars).filter { ($0.address ?? 0) >= FixedRanges.fourGiB }
            barsAbove4G = high.count
            sizeAbove4G = high.reduce(0) { $0 + $1.size }
            unassigned = plan.unassigned.count
            hazards = plan.hazards.count
            hazardKinds = plan.hazards.map(\.kind.rawValue).reduce(into: []) { kinds, kind in
                if !kinds.contains(kind) { kinds.append(kind) }
            }
        }
    }

    static let textHeader = ["config", "policy", "ECAM base", "hole start", "hole size", "low RAM kept", "RAM relocated",
                             "BARs above 4G", "size above 4G", "unassigned", "hazards"]

    static func text(_ outcomes: [CompareOutcome]) -> String {
        let rows = rows(outcomes)
        let anyError = rows.contains { $0.error != nil }
        var table = TextTable(header: textHeader + (anyError ? ["no layout"] : []))
        for row in rows {
            var cells = [row.source, row.policy.rawValue]
            if let plan = row.plan {
                let s = Summary(plan)
                cells += [s.ecamBase.map(hex) ?? "unassigned", hex(s.holeStart), Quantity.format(s.holeSize), Quantity.format(s.lowRAMKept),
                          Quantity.format(s.ramRelocated), String(s.barsAbove4G), Quantity.format(s.sizeAbove4G), String(s.unassigned),
                          s.hazards == 0 ? "0" : "\(s.hazards) (\(s.hazardKinds.joined(separator: ", ")))"]
            } else {
                cells += Array(repeating: "-", count: textHeader.count - 2)
            }
            if anyError { cells.append(row.error ?? "") }
            table.rows.append(cells)
        }
        let configs = outcomes.count, failures = rows.filter { $0.error != nil }.count
        var text = "hvmloader vs toolstack over \(configs) description\(configs == 1 ? "" : "s")\n\n" + table.rendered()
        if failures > 0 { text += "\n\n\(failures) of \(rows.count) plans have no layout (the reason is in the row)." }
        return text
    }

    static let csvHeader = ["config", "name", "policy", "ecam_base", "ecam_size", "hole_start", "hole_size", "low_ram_kept",
                            "ram_relocated", "bars_above_4g", "size_above_4g", "unassigned", "hazards", "hazard_kinds", "error"]

    /// RFC 4180: CRLF line ends, a field quoted when it holds a comma, a quote or a line break.
    static func csv(_ outcomes: [CompareOutcome]) -> String {
        var lines = [csvHeader]
        for row in rows(outcomes) {
            var cells = [row.source, row.name, row.policy.rawValue]
            if let plan = row.plan {
                let s = Summary(plan)
                cells += [s.ecamBase.map(hex) ?? "", s.ecamSize.map(hex) ?? "", hex(s.holeStart), hex(s.holeSize), hex(s.lowRAMKept),
                          hex(s.ramRelocated), String(s.barsAbove4G), hex(s.sizeAbove4G), String(s.unassigned), String(s.hazards),
                          s.hazardKinds.joined(separator: " "), ""]
            } else {
                cells += Array(repeating: "", count: csvHeader.count - 4) + [row.error ?? ""]
            }
            lines.append(cells)
        }
        return lines.map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    static func csvField(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
