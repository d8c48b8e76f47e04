import ArgumentParser
import Foundation

struct QemuArgsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qemu-args",
        abstract: "Print the QEMU command line (one line for a shell) whose machine matches CONFIG.")

    @Argument(help: "The VM description (TOML, or JSON with a .json name).")
    var config: String

    @Option(name: .long, help: "The firmware image QEMU runs with -bios.")
    var firmware: String

    @Option(name: .long, help: "A Linux kernel for QEMU to load (-kernel).")
    var kernel: String?

    @Option(name: .long, help: "An initrd for the kernel (-initrd).")
    var initrd: String?

    @Option(name: .long, help: "The kernel command line (-append).")
    var append: String?

    @OptionGroup var policyOption: PolicyOption

    func run() throws {
        for (flag, path) in [("--firmware", firmware), ("--kernel", kernel), ("--initrd", initrd)] {
            if let path, !FileManager.default.fileExists(atPath: path) {
                throw CommandError.badInput("\(flag) \(path): no such file; accepted: an existing file")
            }
        }
        let machine = try ConfigInput.load(config, policy: policyOption.policy)
        let plan = try ConfigInput.plan(machine, file: config)
        do {
            let line = try QEMUCommandLine(config: machine, plan: plan, firmware: firmware, kernel: kernel, initrd: initrd, append: append)
            print(line.shellLine)
        } catch {
            throw CommandError.badInput("\(config): \(error.message)")
        }
    }
}
