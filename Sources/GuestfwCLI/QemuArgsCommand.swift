import ArgumentParser
import Foundation

struct QemuArgsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qemu-args",
        abstract: "Print the QEMU command line (one line for a shell) whose machine matches CONFIG.",
        discussion: """
            A host device (host = "DDDD:BB:DD.F") is passed with vfio-pci, one -device vfio-pci,host=... \
            per function of its slot that the plan holds, at its planned bus and address. With \
            --stand-in each host function is replaced by the QEMU model of guestfw's catalog \
            that has its vendor, device, subsystem, revision, class, interrupt pin and BARs, so \
            the plan boots under QEMU without the hardware.
            """)

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

    @Flag(name: .customLong("stand-in"), help: "Emulate each host device with the catalog model of the same identity and BARs instead of passing it with vfio-pci (exit 2 naming the device when no model matches).")
    var standIn = false

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
            let line = try QEMUCommandLine(config: machine, plan: plan, firmware: firmware, kernel: kernel, initrd: initrd, append: append,
                                           hostDevices: standIn ? .standIn : .passthrough)
            print(line.shellLine)
        } catch {
            throw CommandError.badInput("\(config): \(error.message)")
        }
    }
}
