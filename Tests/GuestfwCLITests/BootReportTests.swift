import Foundation
import Testing

/// guestfw-boot-report (make demo's table) on console output written here from a golden
/// plan.json: it must agree where the guest shows the plan and name the row where it does not.
@Suite("guestfw-boot-report")
struct BootReportTests {
    static var executable: URL { Guestfw.executable.deletingLastPathComponent().appendingPathComponent("guestfw-boot-report") }
    static let plan = tablesDirectory.appendingPathComponent("default/plan.json")

    static func hexValue(_ any: Any?) -> UInt64 { (any as? String).flatMap { UInt64($0.dropFirst(2), radix: 16) } ?? 0 }

    /// The "pci" section boot-init.sh prints: 13 resource lines per endpoint, 17 per bridge with
    /// its windows on lines 13-15, as Debian's 6.1 kernel writes sysfs `resource`.
    static func console(moving movedID: String? = nil, bar movedBAR: Int = 0) throws -> String {
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: plan)) as? [String: Any])
        var lines = ["==== guestfw:begin ====", "==== guestfw:pci ===="]
        for function in json["functions"] as? [[String: Any]] ?? [] {
            var resources = [Int: (UInt64, UInt64)]()
            for bar in function["bars"] as? [[String: Any]] ?? [] {
                var start = hexValue(bar["address"])
                if function["id"] as? String == movedID, bar["bar"] as? Int == movedBAR { start += 0x10_0000 }
                resources[bar["bar"] as? Int ?? 0] = (start, start + hexValue(bar["size"]) - 1)
            }
            let windows = function["windows"] as? [String: Any]
            for (offset, kind) in ["io", "mem", "pref"].enumerated() {
                if let window = windows?[kind] as? [String: Any] { resources[13 + offset] = (hexValue(window["start"]), hexValue(window["end"])) }
            }
            lines.append("device 0000:\(function["bdf"] as? String ?? "")")
            for index in 0..<(windows == nil ? 13 : 17) {
                let (start, end) = resources[index] ?? (0, 0)
                lines.append("resource \(index) 0x\(String(start, radix: 16)) 0x\(String(end, radix: 16)) 0x0")
            }
        }
        return (lines + ["==== guestfw:dmesg ====", "==== guestfw:end ===="]).joined(separator: "\n")
    }

    static func report(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func report(console text: String) throws -> (status: Int32, output: String) {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("boot.log")
        try Data(text.utf8).write(to: file)
        return try report([plan.path, file.path])
    }

    @Test func aGuestShowingThePlanAgreesEverywhere() throws {
        let (status, output) = try Self.report(console: Self.console())
        #expect(status == 0, "\(output)")
        #expect(output.contains("all where the plan put them"))
        #expect(!output.contains(" NO"))
    }

    @Test func aMovedBARIsTheRowThatDiffers() throws {
        let (status, output) = try Self.report(console: Self.console(moving: "nic0", bar: 4))
        #expect(status == 1)
        let differing = output.split(separator: "\n").filter { $0.hasSuffix("NO") }
        #expect(differing.count == 1)
        #expect(differing.first?.hasPrefix("nic0 01:00.0") == true && differing.first?.contains("BAR4") == true)
        #expect(output.contains("1 differ"))
    }

    @Test func unreadableInputIsNamed() throws {
        let (status, output) = try Self.report(["/nonexistent/plan.json", "/nonexistent/boot.log"])
        #expect(status == 2)
        #expect(output.contains("/nonexistent/plan.json"))
        let usage = try Self.report([])
        #expect(usage.status == 2 && usage.output.contains("usage"))
    }
}
