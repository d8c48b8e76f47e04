import ArgumentParser
import VMConfig

/// `guestfw host-snapshot BDF... -o DIR`: copies what guestfw reads of host PCI functions
/// (each function's `resource` and `config`, for every function of each named function's slot,
/// which is how the slot's other functions are found) into DIR with /sys/bus/pci/devices' layout,
/// so `[[device]] host = ...` with `sysfs = DIR` plans the same anywhere. Every file is parsed
/// before anything is written (a `config` read without root is refused as truncated), and DIR is
/// written whole or not at all (`OutputDirectory`).
struct HostSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host-snapshot",
        abstract: "Copy the sysfs files guestfw reads of host PCI functions (and the other functions of their slots) into a directory.")

    @Argument(help: "Host PCI addresses DDDD:BB:DD.F, as /sys/bus/pci/devices names them.")
    var functions: [String] = []

    @Option(name: .shortAndLong, help: "The snapshot directory (replaced only if guestfw wrote it or it is empty).")
    var output: String

    @Option(name: .long, help: "Read from this directory instead of \(HostSysfs.defaultRoot) (e.g. another snapshot).")
    var sysfs: String = HostSysfs.defaultRoot

    func run() throws {
        guard !functions.isEmpty else {
            throw CommandError.badInput("host-snapshot: no function named; accepted: one or more \(HostPCIAddress.accepted)")
        }
        let root = HostSysfs(root: sysfs)
        var problems: [String] = []
        var addresses: [HostPCIAddress] = []
        for text in functions {
            guard let address = HostPCIAddress(text) else {
                problems.append("\(text): is not a host PCI address; accepted: \(HostPCIAddress.accepted)")
                continue
            }
            do {
                try root.checkExists(address)
                for function in try root.slotFunctions(address) where !addresses.contains(address.withFunction(function)) {
                    addresses.append(address.withFunction(function))
                }
            } catch {
                problems.append(error.description)
            }
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for address in addresses.sorted() {
            do {
                _ = try root.function(address)
                for name in HostSysfs.files {
                    files.append((path: "\(address)/\(name)", bytes: try root.bytes(address, name)))
                }
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw CommandError.badInput(problems.joined(separator: "\n")) }
        try OutputDirectory(path: output).write(files)
        print("wrote \(output)/: \(addresses.count) function(s): \(addresses.sorted().map(\.description).joined(separator: ", "))")
    }
}
