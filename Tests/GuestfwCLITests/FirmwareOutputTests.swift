import Foundation
import TestSupport
import Testing

/// What `guestfw build` writes besides the tables: firmware.elf and firmware.bin, checked with
/// binutils' readelf against the plan.json written beside them.
@Suite("build: firmware image")
struct FirmwareOutputTests {
    @Test func imageSitsInThePlannedROM() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["build", tablesDirectory.appendingPathComponent("default/vm.toml").path, "-o", "out"])
        try #require(run.exitCode == 0, "\(run.stderr)")
        let out = directory.appendingPathComponent("out")
        let rom = try PlanFile.read(out.appendingPathComponent("plan.json")).memory.firmwareRom
        let romStart = rom.start.value, romEnd = rom.end.value

        let flat = try Data(contentsOf: out.appendingPathComponent("firmware.bin"))
        #expect(UInt64(flat.count) == romEnd - romStart + 1)
        #expect(flat.count % 65536 == 0)

        let elf = try Readelf(file: out.appendingPathComponent("firmware.elf").path)
        let segments = elf.loads
        #expect(!segments.isEmpty)
        // The hand-off block opens the planned ROM; every segment loads inside it, at its own address.
        #expect(segments.contains { $0.virtualAddress == romStart && $0.physicalAddress == romStart })
        for segment in segments {
            let physical = segment.physicalAddress, size = segment.fileSize
            #expect(physical >= romStart && physical + size - 1 <= romEnd, "segment at \(String(physical, radix: 16)) outside the ROM")
        }
        // The reset vector: the last 16 bytes of the image are the ELF's .resetvector section.
        #expect(elf.section(".resetvector")?.address == 0xffff_fff0)
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["a", "b"] {
            let run = try Guestfw.run(in: directory, ["build", tablesDirectory.appendingPathComponent("toolstack-64bus/vm.toml").path, "-o", name])
            try #require(run.exitCode == 0, "\(run.stderr)")
        }
        for file in ["firmware.bin", "firmware.elf"] {
            let a = try Data(contentsOf: directory.appendingPathComponent("a/\(file)"))
            let b = try Data(contentsOf: directory.appendingPathComponent("b/\(file)"))
            #expect(a == b, "\(file) differs between two builds")
        }
    }

    @Test func missingBootCodeIsAClearFailure() throws {
        let run = try Guestfw.run(["build", "-o", "out"], environment: ["GUESTFW_BOOT_ELF": "/nonexistent/firmware.elf"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("/nonexistent/firmware.elf"))
        #expect(run.stderr.contains("make firmware"))
        #expect(run.filesAfter.isEmpty)
    }
}
