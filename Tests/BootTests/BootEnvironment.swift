import Foundation
import TestSupport

/// Where the boot tests find what `make` builds. A missing piece fails the test (never skips it),
/// naming the target that builds it: a skipped boot test would let a broken firmware through CI.
enum BootEnvironment {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static var repository: URL { Repository.root }

    static var tables: URL { Repository.tables }

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `make` exports these; a plain `swift test` looks where make puts them.
    static var kernel: URL { path("GUESTFW_BOOT_KERNEL", or: ".cache/kernel/vmlinuz") }
    static var initrd: URL { path("GUESTFW_BOOT_INITRD", or: ".cache/boot/initramfs.cpio.gz") }

    /// Test-only: boot QEMU's own SeaBIOS instead of firmware.bin. SeaBIOS places everything
    /// differently, so the layout checks must then fail: that is how they are shown to bite.
    static var seaBIOS: Bool { environment["GUESTFW_BOOT_SEABIOS"] == "1" }

    /// Seconds a boot to power-off may take. Generous: TCG on two cores shared with the other
    /// test suites is several times slower than an idle machine (about 15 s there).
    static var bootDeadline: Double { Double(environment["GUESTFW_BOOT_TIMEOUT"] ?? "") ?? 180 }

    static var guestfw: URL { Repository.product("guestfw") }

    private static func path(_ variable: String, or relative: String) -> URL {
        if let value = environment[variable], !value.isEmpty { return URL(fileURLWithPath: value) }
        return repository.appendingPathComponent(relative)
    }

    /// The kernel and the initramfs, or an error saying which make target builds them. An
    /// initramfs older than its /init would boot yesterday's guest, so that counts as missing.
    static func requireGuest() throws -> (kernel: URL, initrd: URL) {
        let files = FileManager.default
        guard files.fileExists(atPath: kernel.path) else {
            throw Missing(description: "no guest kernel at \(kernel.path): `make kernel` fetches it (or set GUESTFW_BOOT_KERNEL)")
        }
        guard files.fileExists(atPath: initrd.path) else {
            throw Missing(description: "no guest initramfs at \(initrd.path): `make initramfs` builds it (or set GUESTFW_BOOT_INITRD)")
        }
        let script = repository.appendingPathComponent("scripts/boot-init.sh")
        if let built = modified(initrd), let edited = modified(script), edited > built {
            throw Missing(description: "\(initrd.path) is older than scripts/boot-init.sh: `make initramfs` rebuilds it")
        }
        guard ProcessRunner.locate("qemu-system-x86_64") != nil else {
            throw Missing(description: "qemu-system-x86_64 not found: `make deps` installs qemu-system-x86")
        }
        return (kernel, initrd)
    }

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }
}
