import Foundation
import Testing

/// What `guestfw build` writes besides the tables: firmware.elf and firmware.bin, checked with
/// binutils' readelf against the plan.json written beside them.
@Suite("build: firmware image")
struct FirmwareOutputTests {
    static func hexValue(_ text: String) -> UInt64? { UInt64(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16) }

    static func readelf(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/readelf")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The LOAD rows of `readelf -lW`: (virtual address, physical address, file size).
    static func loadSegments(_ elf: URL) throws -> [(UInt64, UInt64, UInt64)] {
        try readelf(["-lW", elf.path]).split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard words.first == "LOAD", words.count >= 5, let virtual = hexValue(words[2]), let physical = hexValue(words[3]),
                  let size = hexValue(words[4]) else { return nil }
            return (virtual, physical, size)
        }
    }

    @Test func imageSitsInThePlannedROM() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["build", tablesDirectory.appendingPathComponent("default/vm.toml").path, "-o", "out"])
        try #require(run.exitCode == 0, "\(run.stderr)")
        let out = directory.appendingPathComponent("out")
        let plan = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as? [String: Any])
        let rom = try #require((plan["memory"] as? [String: Any])?["firmwareRom"] as? [String: String])
        let romStart = try #require(rom["start"].flatMap(Self.hexValue)), romEnd = try #require(rom["end"].flatMap(Self.hexValue))

        let flat = try Data(contentsOf: out.appendingPathComponent("firmware.bin"))
        #expect(UInt64(flat.count) == romEnd - romStart + 1)
        #expect(flat.count % 65536 == 0)

        let segments = try Self.loadSegments(out.appendingPathComponent("firmware.elf"))
        #expect(!segments.isEmpty)
        // The hand-off block opens the planned ROM; every segment loads inside it, at its own address.
        #expect(segments.contains { $0.0 == romStart && $0.1 == romStart })
        for (_, physical, size) in segments {
            #expect(physical >= romStart && physical + size - 1 <= romEnd, "segment at \(String(physical, radix: 16)) outside the ROM")
        }
        // The reset vector: the last 16 bytes of the image are the ELF's .resetvector section.
        let sections = try Self.readelf(["-SW", out.appendingPathComponent("firmware.elf").path])
        #expect(sections.contains(".resetvector") && sections.contains("fffffff0"))
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
