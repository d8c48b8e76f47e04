import Foundation
import TestSupport
import Testing

/// guestfw-boot-report (make demo's table) on console output written here from a golden
/// plan.json: it must agree where the guest shows the plan and name the row where it does not.
@Suite("guestfw-boot-report")
struct BootReportTests {
    static var executable: URL { Repository.product("guestfw-boot-report") }
    static let plan = Repository.example("default").appendingPathComponent("plan.json")

    /// The "pci" section boot-init.sh prints: 13 resource lines per endpoint, 17 per bridge with
    /// its windows on lines 13-15, as Debian's 6.1 kernel writes sysfs `resource`.
    static func console(moving movedID: String? = nil, bar movedBAR: Int = 0) throws -> String {
        var lines = ["==== guestfw:begin ====", "==== guestfw:pci ===="]
        for function in try PlanFile.read(plan).functions {
            var resources = [Int: (UInt64, UInt64)]()
            for bar in function.bars {
                var start = try #require(bar.address).value
                if function.id == movedID, bar.bar == movedBAR { start += 0x10_0000 }
                resources[bar.bar] = (start, start + bar.size.value - 1)
            }
            let windows = function.windows
            for (offset, window) in [windows?.io, windows?.mem, windows?.pref].enumerated() {
                if let window { resources[13 + offset] = (window.start.value, window.end.value) }
            }
            lines.append("device 0000:\(function.bdf)")
            for index in 0..<(windows == nil ? 13 : 17) {
                let (start, end) = resources[index] ?? (0, 0)
                lines.append("resource \(index) 0x\(String(start, radix: 16)) 0x\(String(end, radix: 16)) 0x0")
            }
        }
        return (lines + ["==== guestfw:dmesg ====", "==== guestfw:end ===="]).joined(separator: "\n")
    }

    static func report(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ProcessRunner.run(executable, arguments)
        return (result.status, result.stdout)
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
