import ArgumentParser
import Foundation
import VMConfig

public struct Guestfw: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "guestfw",
        abstract: "Plan PCIe ECAM, buses, BARs and bridge windows for a Q35 VM before boot.",
        discussion: """
            Exit codes: 0 success; 1 a real negative answer (no layout fits, tables differ); 2 bad usage \
            or bad input. build reads the boot code from $GUESTFW_BOOT_ELF when set, else from \
            share/guestfw/firmware.elf beside an installed bin/guestfw.
            """,
        version: GuestfwVersion.current,
        subcommands: [BuildCommand.self, PlanCommand.self, DiffCommand.self, CompareCommand.self, QemuArgsCommand.self,
                      HostSnapshotCommand.self, LintCommand.self])

    public init() {}

    /// Runs the command line and exits with the contract's codes: 0 success, 1 a real negative
    /// answer, 2 bad usage or bad input (swift-argument-parser's own usage code 64 becomes 2).
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("guestfw: error: \(error.message)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message.isEmpty ? "guestfw: error" : message).utf8 + [0x0a]))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

struct PolicyOption: ParsableArguments {
    @Option(name: .long, help: "Override the description's ecam.policy: hvmloader or toolstack.")
    var policy: PlacementPolicy?
}

extension PlacementPolicy: ExpressibleByArgument {}
