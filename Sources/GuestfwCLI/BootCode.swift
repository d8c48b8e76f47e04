import Foundation

/// Where `guestfw build` finds the boot code's ELF, which `make firmware` builds once for every
/// VM (the per-VM hand-off block is added to a copy). In this order:
/// 1. `$GUESTFW_BOOT_ELF`;
/// 2. `share/guestfw/firmware.elf` beside an installed `bin/guestfw`;
/// 3. `Firmware/build/firmware.elf` in the source tree the running executable was built in
///    (found by walking up from the executable, so `.build/debug/guestfw` finds it from any
///    working directory).
enum BootCode {
    static let environmentVariable = "GUESTFW_BOOT_ELF"

    static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let path = environment[environmentVariable], !path.isEmpty { return [path] }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        var paths = [executable.appendingPathComponent("../share/guestfw/firmware.elf").standardizedFileURL.path]
        var directory = executable
        while directory.path != "/" {
            paths.append(directory.appendingPathComponent("Firmware/build/firmware.elf").path)
            directory.deleteLastPathComponent()
        }
        return paths
    }

    static func load() throws(CommandError) -> [UInt8] {
        let paths = candidates()
        guard let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw .negative("the boot code (firmware.elf) was not found; looked for \(paths.joined(separator: ", ")); build it with `make firmware` in guestfw's source tree, or set \(environmentVariable) to its path")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .negative("\(path): cannot read the boot code")
        }
        return [UInt8](data)
    }
}
