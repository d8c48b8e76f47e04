import Foundation
import TestSupport

/// One example built into a scratch directory, with the QEMU line that boots it: what a user
/// does with `guestfw build` and `guestfw qemu-args`.
struct BootSetup {
    var example: String
    var scratch: URL
    var plan: PlanFile
    /// The words of qemu-args' line.
    var words: [String]

    struct Failed: Error, CustomStringConvertible { var description: String }

    /// Builds `example` (a folder of Tables/) into a fresh scratch directory and asks qemu-args
    /// for its line with `append` as the kernel command line.
    static func make(_ example: String, append: String) throws -> BootSetup {
        let guest = try BootEnvironment.requireGuest()
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("guestfw-boot-\(example)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        do {
            return try make(example, append: append, guest: guest, scratch: scratch)
        } catch {
            try? FileManager.default.removeItem(at: scratch)
            throw error
        }
    }

    private static func make(_ example: String, append: String, guest: (kernel: URL, initrd: URL), scratch: URL) throws -> BootSetup {
        let out = scratch.appendingPathComponent("out")
        let config = Repository.exampleConfig(example)
        let build = try run(["build", config.path, "-o", out.path])
        guard build.status == 0 else {
            throw Failed(description: "\(example): guestfw build failed (\(build.status)): \(build.stderr)")
        }
        let firmware = try firmwareImage(out, scratch: scratch)
        let args = try run(["qemu-args", config.path, "--firmware", firmware.path,
                            "--kernel", guest.kernel.path, "--initrd", guest.initrd.path, "--append", append])
        guard args.status == 0 else {
            throw Failed(description: "\(example): guestfw qemu-args failed (\(args.status)): \(args.stderr)")
        }
        var words = ShellWords.split(args.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        if BootEnvironment.seaBIOS, let bios = words.firstIndex(of: "-bios") {
            words.removeSubrange(bios...(bios + 1))
        }
        let plan = try PlanFile.read(out.appendingPathComponent("plan.json"))
        return BootSetup(example: example, scratch: scratch, plan: plan, words: words)
    }

    /// build's firmware.bin; under GUESTFW_BOOT_SEABIOS a stand-in file, since qemu-args wants
    /// one that exists and its -bios is taken out of the line afterwards.
    private static func firmwareImage(_ out: URL, scratch: URL) throws -> URL {
        if BootEnvironment.seaBIOS {
            let standIn = scratch.appendingPathComponent("seabios-stand-in.bin")
            try Data().write(to: standIn)
            return standIn
        }
        let image = out.appendingPathComponent("firmware.bin")
        guard FileManager.default.fileExists(atPath: image.path) else {
            throw Failed(description: "guestfw build wrote no firmware.bin: build the boot code it packs with `make firmware` (`make boot-test` and `make test` do); GUESTFW_BOOT_SEABIOS=1 boots QEMU's SeaBIOS instead, only to develop these tests")
        }
        return image
    }

    var line: String { ShellWords.join(words) }

    func output(_ name: String) -> URL { scratch.appendingPathComponent(name + ".txt") }

    /// The scratch directory goes when the test passed; it stays, with the guest output in
    /// it, when the test failed.
    func cleanUp(failed: Bool) {
        if !failed { try? FileManager.default.removeItem(at: scratch) }
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try ProcessRunner.run(BootEnvironment.guestfw, arguments)
        return (result.status, result.stdout, result.stderr)
    }
}
