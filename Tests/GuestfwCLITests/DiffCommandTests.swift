import Foundation
import Testing

/// A table with a valid header and checksum: signature, length, revision, then `body`.
func syntheticTable(_ signature: String, body: [UInt8]) -> [UInt8] {
    var bytes = Array(signature.utf8) + [0, 0, 0, 0] + [1, 0] + Array("GSTFW ".utf8) + Array("TESTTABL".utf8)
        + [1, 0, 0, 0] + Array("GFW ".utf8) + [1, 0, 0, 0] + body
    let length = UInt32(bytes.count)
    for index in 0..<4 { bytes[4 + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
    bytes[9] = 0 &- bytes.reduce(0, &+)
    return bytes
}

/// An MCFG with one allocation: base, segment 0, buses 0..busEnd.
func mcfg(base: UInt64, busEnd: UInt8) -> [UInt8] {
    syntheticTable("MCFG", body: [UInt8](repeating: 0, count: 8) + (0..<8).map { UInt8(truncatingIfNeeded: base >> (8 * $0)) }
        + [0, 0, 0, busEnd, 0, 0, 0, 0])
}

struct DiffFixture {
    var root: URL
    init(expected: [String: [UInt8]], actual: [String: [UInt8]]) throws {
        root = try Guestfw.scratchDirectory()
        for (side, tables) in [("expected", expected), ("actual", actual)] {
            let directory = root.appendingPathComponent(side)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, bytes) in tables { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        }
    }

    func run(_ arguments: [String]? = nil) throws -> GuestfwRun {
        try Guestfw.run(in: root, arguments ?? ["diff", "expected", "actual"])
    }
}

@Suite("guestfw diff")
struct DiffCommandTests {
    @Test func sameSetsExitZero() throws {
        let table = mcfg(base: 0xB000_0000, busEnd: 0xFF)
        let run = try DiffFixture(expected: ["MCFG": table], actual: ["MCFG.dat": table]).run()
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("MCFG: same"))
    }

    @Test func changedTableExitsOneWithAnASLDiff() throws {
        let run = try DiffFixture(expected: ["MCFG": mcfg(base: 0xB000_0000, busEnd: 0xFF)],
                                  actual: ["MCFG": mcfg(base: 0xE000_0000, busEnd: 0x3F)]).run()
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stdout.contains("MCFG: DIFFERS"))
        #expect(run.stdout.contains("-[02Ch 0044   8]                 Base Address : 00000000B0000000"))
        #expect(run.stdout.contains("+[02Ch 0044   8]                 Base Address : 00000000E0000000"))
    }

    @Test func missingAndNewTablesDiffer() throws {
        let table = mcfg(base: 0xB000_0000, busEnd: 0xFF)
        let run = try DiffFixture(expected: ["MCFG": table, "WAET": syntheticTable("WAET", body: [2, 0, 0, 0])],
                                  actual: ["MCFG": table, "HPET": syntheticTable("HPET", body: [UInt8](repeating: 0, count: 20))]).run()
        #expect(run.exitCode == 1)
        #expect(run.stdout.contains("WAET: MISSING from the actual set"))
        #expect(run.stdout.contains("HPET: NEW in the actual set"))
    }

    @Test func truncatedTableIsAnError() throws {
        let table = mcfg(base: 0xB000_0000, busEnd: 0xFF)
        let run = try DiffFixture(expected: ["MCFG": table], actual: ["MCFG": Array(table.dropLast(4))]).run()
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("actual/MCFG: malformed MCFG table"))
        #expect(run.stderr.contains("the header says 60 bytes, the file has 56"))
    }

    @Test func wrongChecksumIsAnError() throws {
        var table = mcfg(base: 0xB000_0000, busEnd: 0xFF)
        table[44] ^= 0x10
        let run = try DiffFixture(expected: ["MCFG": mcfg(base: 0xB000_0000, busEnd: 0xFF)], actual: ["MCFG": table]).run()
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("actual/MCFG"))
        #expect(run.stderr.contains("wrong checksum"))
    }

    @Test func missingDirectoryIsAnError() throws {
        let run = try DiffFixture(expected: ["MCFG": mcfg(base: 0xB000_0000, busEnd: 0xFF)], actual: [:])
            .run(["diff", "expected", "nowhere"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("nowhere: no such directory"))
    }

    @Test func pointerOnlyChangesAreExplainedNotFailed() throws {
        func rsdt(_ pointer: UInt32) -> [UInt8] { syntheticTable("RSDT", body: (0..<4).map { UInt8(truncatingIfNeeded: pointer >> (8 * $0)) }) }
        let run = try DiffFixture(expected: ["RSDT": rsdt(0x7FFE_0000)], actual: ["RSDT": rsdt(0xBFFE_0000)]).run()
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("RSDT: same apart from pointers to other tables (Entry[0])"))
    }
}
