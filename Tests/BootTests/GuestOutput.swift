import Foundation
import TestSupport

/// What the guest printed on its serial console, cut into the sections scripts/boot-init.sh
/// opens with "==== guestfw:NAME ====".
struct GuestOutput {
    var lines: [String]
    var sections: [String: [String]] = [:]

    init(_ text: String) {
        // The serial console ends lines with "\r\n", which is one Character (a newline) in Swift.
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var current: String?
        for line in lines {
            if let name = Self.sectionName(line) {
                current = name
                sections[name, default: []] = []
            } else if let name = current {
                sections[name]?.append(line)
            }
        }
    }

    private static func sectionName(_ line: String) -> String? {
        guard line.hasPrefix("==== guestfw:"), line.hasSuffix(" ===="), line.count > 18 else { return nil }
        return String(line.dropFirst(13).dropLast(5))
    }

    /// The whole kernel log when init printed it; else what reached the console, which holds
    /// the kernel's messages up to wherever the boot stopped.
    var kernelLog: [String] { sections["dmesg"] ?? lines }

    var reachedInit: Bool { sections["begin"] != nil }
    var initFinished: Bool { sections["end"] != nil }
    /// The kernel prints this just before it enters S5 through the FADT's PM1 control block.
    var poweredDown: Bool { lines.contains { $0.contains("reboot: Power down") } }

    /// The last lines, for a failure message about a boot that stopped somewhere.
    func tail(_ count: Int) -> [String] {
        var end = lines.endIndex
        while end > lines.startIndex, lines[end - 1].isEmpty { end -= 1 }
        return Array(lines[..<end].suffix(count))
    }

    /// Every PCI function Linux found, by "bb:dd.f" within `domain` (4 hex digits).
    func functions(domain: String) -> [String: GuestFunction] {
        var result: [String: GuestFunction] = [:]
        var current: String?
        for line in sections["pci"] ?? [] {
            let words = line.split(separator: " ").map(String.init)
            switch words.first {
            case "device" where words.count == 2:
                let name = words[1]
                current = name.hasPrefix(domain + ":") ? String(name.dropFirst(domain.count + 1)) : name
                result[current!] = GuestFunction()
            case "buses" where words.count == 3:
                if let current { result[current]?.buses = (Int(words[1]) ?? -1, Int(words[2]) ?? -1) }
            case "resource" where words.count == 5:
                if let current, let start = Self.hex(words[2]), let end = Self.hex(words[3]) {
                    result[current]?.resources.append(GuestResource(start: start, end: end))
                }
            default:
                break
            }
        }
        return result
    }

    static func hex(_ word: String) -> UInt64? {
        word.hasPrefix("0x") ? UInt64(word.dropFirst(2), radix: 16) : nil
    }
}

/// One function as Linux sees it: sysfs `resource` lines in order, and a bridge's bus numbers.
struct GuestFunction {
    var resources: [GuestResource] = []
    var buses: (secondary: Int, subordinate: Int)?
}

/// One sysfs `resource` line. Linux prints 0x0 0x0 for a BAR or window that does not exist
/// or is closed.
struct GuestResource: Equatable {
    var start: UInt64
    var end: UInt64

    var isEmpty: Bool { start == 0 && end == 0 }
    var size: UInt64 { isEmpty ? 0 : end &- start &+ 1 }
}
