import Foundation
import TestSupport

/// The real boot firmware, built by `make firmware`. Its absence fails the tests that need it:
/// skipping would let a missing build pass as green.
enum BootFirmware {
    static let path = Repository.root.appendingPathComponent("Firmware/build/firmware.elf")

    struct Missing: Error, CustomStringConvertible {
        var description: String { "\(BootFirmware.path.path) does not exist: run make firmware first" }
    }

    static func bytes() throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path.path) else { throw Missing() }
        return [UInt8](data)
    }
}
