import Foundation
import Testing

/// `placement = "identity"` through the real binary, on copies of the snapshot captured from a
/// Linux guest (Tests/VMConfigTests/Fixtures/sysfs/q35): nvme 0000:01:00.0 (BAR0 16K mem64 at
/// 0xfe800000), e1000e 0000:02:00.0 (BAR2 32 bytes of I/O at 0xc000), ivshmem 0000:04:00.0
/// (BAR0 256 bytes at 0xfe200000, BAR2 16G mem64 pref at 0x400000000). A conflict is exit 1
/// naming both parties with their ranges; bad input is exit 2; nothing is written either way.
@Suite("Identity placement through the command line")
struct IdentityCLITests {
    /// A scratch directory holding `snap/` (the capture, changed by `prepare`) and vm.toml.
    static func scratch(_ description: String, prepare: (URL) throws -> Void = { _ in }) throws -> URL {
        let directory = try Guestfw.scratchDirectory()
        let snap = directory.appendingPathComponent("snap")
        try FileManager.default.copyItem(at: HostDeviceCLITests.capture, to: snap)
        try prepare(snap)
        try Data(description.utf8).write(to: directory.appendingPathComponent("vm.toml"))
        return directory
    }

    /// Rewrites line `line` (1-based) of a function's `resource` as Linux prints it.
    static func setResource(_ snap: URL, _ function: String, line: Int, start: UInt64, end: UInt64, flags: UInt64) throws {
        let file = snap.appendingPathComponent("\(function)/resource")
        var lines = String(decoding: try Data(contentsOf: file), as: UTF8.self).split(separator: "\n").map(String.init)
        func field(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
        }
        lines[line - 1] = "\(field(start)) \(field(end)) \(field(flags))"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
    }

    static func device(_ id: String, _ host: String, bus: String? = nil, extra: String = "") -> String {
        """
        [[device]]
        id = "\(id)"
        host = "\(host)"
        sysfs = "snap"
        placement = "identity"
        \(bus.map { "bus = \"\($0)\"" } ?? "")
        \(extra)

        """
    }

    static func vm(memory: String = "2G", top: String = "", policy: String = "toolstack", ecam: String = "", _ devices: String) -> String {
        """
        memory = "\(memory)"
        \(top)
        [ecam]
        policy = "\(policy)"
        \(ecam)
        [[root_port]]
        id = "rp1"
        \(devices)
        """
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var description: String
        var exitCode: Int32
        var words: [String]
        var change: @Sendable (URL) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static let nvmeFlags: UInt64 = 0x140204

    static let cases: [Case] = [
        // 16G on QEMU: 2G low, the other 14G from 4G: [0x100000000, 0x480000000).
        Case(name: "RAM", description: vm(memory: "16G", device("shm0", "0000:04:00.0")), exitCode: 1,
             words: ["shm0 BAR 2 mem64 [0x400000000-0x7ffffffff]", "overlaps high RAM [0x100000000-0x47fffffff]"]),
        Case(name: "the ECAM", description: vm(ecam: "base = \"0xE0000000\"", device("nvme0", "0000:01:00.0")), exitCode: 1,
             words: ["nvme0 BAR 0 mem64 [0xe0000000-0xe0003fff]", "overlaps the ECAM [0xe0000000-0xefffffff]"],
             change: { try setResource($0, "0000:01:00.0", line: 1, start: 0xE000_0000, end: 0xE000_3FFF, flags: nvmeFlags) }),
        Case(name: "the IOAPIC", description: vm(device("nvme0", "0000:01:00.0")), exitCode: 1,
             words: ["nvme0 BAR 0 mem64 [0xfec00000-0xfec03fff]", "overlaps the IOAPIC [0xfec00000-0xfec00fff]"],
             change: { try setResource($0, "0000:01:00.0", line: 1, start: 0xFEC0_0000, end: 0xFEC0_3FFF, flags: nvmeFlags) }),
        Case(name: "another identity device", description: vm(device("nvme0", "0000:01:00.0") + device("nvme1", "0000:05:00.0")), exitCode: 1,
             words: ["nvme0 BAR 0 mem64 [0xfe800000-0xfe803fff]", "overlaps nvme1 BAR 0 mem64 [0xfe800000-0xfe803fff]"],
             change: { try FileManager.default.copyItem(at: $0.appendingPathComponent("0000:01:00.0"), to: $0.appendingPathComponent("0000:05:00.0")) }),
        // phys_bits 36: the address space ends at 0xfffffffff; the 16G BAR moved to 64G is past it.
        Case(name: "above phys_bits", description: vm(top: "phys_bits = 36", device("shm0", "0000:04:00.0")), exitCode: 1,
             words: ["shm0 BAR 2 mem64", "[0x1000000000-0x13ffffffff]", "outside the guest's address space [0x0-0xfffffffff]"],
             change: { try setResource($0, "0000:04:00.0", line: 3, start: 0x10_0000_0000, end: 0x13_FFFF_FFFF, flags: 0x14220c) }),
        Case(name: "legacy I/O", description: vm(device("nic0", "0000:02:00.0")), exitCode: 1,
             words: ["nic0 BAR 2 io [0x600-0x61f]", "overlaps the legacy and chipset I/O ports [0x0-0xfff]"],
             change: { try setResource($0, "0000:02:00.0", line: 3, start: 0x600, end: 0x61F, flags: 0x40101) }),
        Case(name: "identity without host", description: vm("[[device]]\nid = \"d0\"\nmodel = \"nvme\"\nplacement = \"identity\"\n"), exitCode: 2,
             words: ["device[0].placement = \"identity\"", "needs host", "accepted"]),
        Case(name: "a placement that does not exist", description: vm(device("nvme0", "0000:01:00.0").replacingOccurrences(of: "\"identity\"", with: "\"fixed\"")),
             exitCode: 2, words: ["device[0].placement = \"fixed\"", "is not a placement", "\"virtual\"", "\"identity\""]),
        // The host left BAR 0 unassigned (an empty line; its config register still says mem64):
        // its size comes from bars, but it has no address to keep.
        Case(name: "an unassigned BAR", description: vm(device("nvme0", "0000:01:00.0", extra: "bars = [{ bar = 0, size = \"16K\", kind = \"mem64\" }]")),
             exitCode: 2, words: ["device[0].placement", "snap/0000:01:00.0/resource", "BAR 0 (mem64) has no host address", "unassigned", "placement = \"virtual\""],
             change: { try setResource($0, "0000:01:00.0", line: 1, start: 0, end: 0, flags: 0) }),
        Case(name: "a size that is not the host's", description: vm(device("nvme0", "0000:01:00.0", extra: "bars = [{ bar = 0, size = \"32K\", kind = \"mem64\" }]")),
             exitCode: 2, words: ["device[0].placement", "BAR 0 (mem64) is 32K in the description", "0xfe800000-0xfe803fff"]),
    ]

    @Test(arguments: cases)
    func refused(_ input: Case) throws {
        let directory = try Self.scratch(input.description, prepare: input.change)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"])
        #expect(run.exitCode == input.exitCode, "\(run.stderr)")
        for word in input.words { #expect(run.stderr.contains(word), "\(word) not in: \(run.stderr)") }
        #expect(run.stderr.hasPrefix("guestfw: error: vm.toml"), "\(run.stderr)")
        #expect(!run.filesAfter.contains { $0.hasPrefix("out") }, "wrote \(run.filesAfter)")
    }

    /// A conflict is the same under the other policy.
    @Test func conflictUnderHvmloaderToo() throws {
        let directory = try Self.scratch(Self.vm(memory: "16G", policy: "hvmloader", Self.device("shm0", "0000:04:00.0")))
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["plan", "vm.toml"])
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stderr.contains("shm0 BAR 2 mem64 [0x400000000-0x7ffffffff] overlaps high RAM [0x100000000-0x47fffffff]"), "\(run.stderr)")
    }

    /// plan.json marks the identity BARs and the window fixed around them; `plan`, `compare` and
    /// `compare --svg` show them as fixed.
    @Test func outputsMarkIdentity() throws {
        let directory = try Self.scratch(Self.vm(Self.device("nvme0", "0000:01:00.0", bus: "rp1") + Self.device("shm0", "0000:04:00.0")))
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try Guestfw.run(in: directory, ["plan", "vm.toml", "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
        let functions = json?["functions"] as? [[String: Any]] ?? []
        let nvme = functions.first { $0["id"] as? String == "nvme0" }
        let nvmeBAR = (nvme?["bars"] as? [[String: Any]])?.first
        #expect(nvmeBAR?["address"] as? String == "0xfe800000" && nvmeBAR?["fixed"] as? Bool == true)
        let port = functions.first { $0["id"] as? String == "rp1" }
        #expect((port?["windows"] as? [String: Any])?["fixed"] as? [String] == ["mem"])
        let ahci = functions.first { $0["id"] as? String == "ich9-ahci" }
        #expect((ahci?["bars"] as? [[String: Any]])?.allSatisfy { $0["fixed"] == nil } == true)

        let text = try Guestfw.run(in: directory, ["plan", "vm.toml"])
        #expect(text.stdout.contains("BAR0 mem64 (identity)") && text.stdout.contains("mem window (fixed)"), "\(text.stdout)")

        let compare = try Guestfw.run(in: directory, ["compare", "vm.toml", "--svg", "layout.svg"])
        #expect(compare.exitCode == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("Fixed by placement = \"identity\""), "\(compare.stdout)")
        #expect(compare.stdout.contains("shm0 BAR2 mem64") && compare.stdout.contains("0x400000000"))
        let svg = String(decoding: try Data(contentsOf: directory.appendingPathComponent("layout.svg")), as: UTF8.self)
        #expect(svg.contains("data-id=\"nvme0\" data-resource=\"BAR0\"") && svg.contains("data-fixed=\"true\""))
        #expect(svg.contains("[identity]"))
    }
}
