// guestfw-boot-report PLAN.json CONSOLE: the plan's BARs and bridge windows beside the addresses
// Linux reported for them (the "pci" section scripts/boot-init.sh prints), one row each.
// Exit 0 when every row agrees, 1 when one differs, 2 on bad usage or unreadable input.
import Foundation

struct Row {
    var function: String
    var resource: String
    var planned: String
    var linux: String
    var agrees: Bool { planned == linux }
}

/// Linux's view: "0000:BB:DD.F" → resource lines (index → start, end).
func linuxResources(_ console: String) -> [String: [Int: (UInt64, UInt64)]] {
    var devices: [String: [Int: (UInt64, UInt64)]] = [:]
    var current: String?
    var inSection = false
    for line in console.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
        if line.hasPrefix("==== guestfw:") { inSection = line == "==== guestfw:pci ====" }
        guard inSection else { continue }
        let words = line.split(separator: " ")
        if words.first == "device", words.count == 2 { current = String(words[1].dropFirst(5)) }
        if words.first == "resource", words.count >= 4, let device = current, let index = Int(words[1]),
           let start = UInt64(words[2].dropFirst(2), radix: 16), let end = UInt64(words[3].dropFirst(2), radix: 16) {
            devices[device, default: [:]][index] = (start, end)
        }
    }
    return devices
}

func hexValue(_ any: Any?) -> UInt64? {
    (any as? String).flatMap { UInt64($0.dropFirst(2), radix: 16) }
}

func show(_ range: (UInt64, UInt64)?) -> String {
    guard let (start, end) = range, end > start || start != 0 else { return "-" }
    return "0x" + String(start, radix: 16) + "-0x" + String(end, radix: 16)
}

func rows(plan: [String: Any], linux: [String: [Int: (UInt64, UInt64)]]) -> [Row] {
    var rows: [Row] = []
    for function in plan["functions"] as? [[String: Any]] ?? [] {
        let bdf = function["bdf"] as? String ?? "?"
        let name = "\(function["id"] as? String ?? "?") \(bdf)"
        let found = linux[bdf] ?? [:]
        for bar in function["bars"] as? [[String: Any]] ?? [] {
            let index = bar["bar"] as? Int ?? -1
            let start = hexValue(bar["address"]), size = hexValue(bar["size"])
            let planned = start.flatMap { s in size.map { (s, s + $0 - 1) } }
            rows.append(Row(function: name, resource: "\(index == 6 ? "ROM" : "BAR\(index)") \(bar["kind"] as? String ?? "")",
                            planned: show(planned), linux: show(found[index])))
        }
        // Bridges list their I/O, memory and prefetchable windows in the last four lines but one.
        guard let windows = function["windows"] as? [String: Any], let last = found.keys.max() else { continue }
        for (offset, kind) in ["io", "mem", "pref"].enumerated() {
            let window = windows[kind] as? [String: Any]
            let planned = hexValue(window?["start"]).flatMap { s in hexValue(window?["end"]).map { (s, $0) } }
            rows.append(Row(function: name, resource: "\(kind) window", planned: show(planned), linux: show(found[last - 3 + offset])))
        }
    }
    return rows
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2 else {
    print("usage: guestfw-boot-report PLAN.json CONSOLE-OUTPUT")
    exit(2)
}
let planPath = arguments.first!, consolePath = arguments.last!
guard let planData = FileManager.default.contents(atPath: planPath),
      let plan = try? JSONSerialization.jsonObject(with: planData) as? [String: Any] else {
    print("guestfw-boot-report: \(planPath): not a readable plan.json")
    exit(2)
}
guard let console = try? String(contentsOfFile: consolePath, encoding: .utf8) else {
    print("guestfw-boot-report: \(consolePath): cannot read the console output")
    exit(2)
}
let table = rows(plan: plan, linux: linuxResources(console))
let widths = [max(8, table.map(\.function.count).max() ?? 0), 14, 27, 27]
func line(_ cells: [String]) -> String {
    zip(cells, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: "  ")
}
print(line(["function", "resource", "planned", "Linux"]) + "  agrees")
for row in table { print(line([row.function, row.resource, row.planned, row.linux]) + "  " + (row.agrees ? "yes" : "NO")) }
let differing = table.filter { !$0.agrees }.count
print("\(table.count) resources, \(differing == 0 ? "all where the plan put them" : "\(differing) differ")")
exit(differing == 0 ? 0 : 1)
