import Foundation

/// The parts of plan.json the boot tests compare with the guest, read with Codable straight
/// from the file `guestfw build` wrote: the tests check the published contract, not the
/// planner's types.
struct PlanFile: Decodable {
    var name: String
    var vmm: String
    var ecam: ECAM
    var functions: [Function]

    struct ECAM: Decodable {
        var base: Hex
        var size: Hex
        var segment: Int
        var busStart: Int
        var busEnd: Int
    }

    struct Range: Decodable {
        var start: Hex
        var end: Hex
        var size: UInt64 { end.value - start.value + 1 }
    }

    struct Windows: Decodable {
        var io: Range?
        var mem: Range?
        var pref: Range?
    }

    struct BAR: Decodable {
        var bar: Int
        var kind: String
        var size: Hex
        var address: Hex
    }

    struct Function: Decodable {
        var bdf: String
        var id: String
        var kind: String
        var model: String?
        var secondaryBus: Int?
        var subordinateBus: Int?
        var hotplug: Bool?
        var windows: Windows?
        var bars: [BAR]
        var vendor: String?
        var device: String?

        /// "bb:dd.f" → bus number.
        var bus: Int { Int(bdf.prefix(2), radix: 16) ?? -1 }
    }

    static func read(_ url: URL) throws -> PlanFile {
        try JSONDecoder().decode(PlanFile.self, from: Data(contentsOf: url))
    }

    /// Passthrough devices with explicit bars have no model: QEMU cannot emulate them, and
    /// qemu-args refuses them. Host devices (model "host DDDD:BB:DD.F") run as their stand-ins.
    var qemuCanRun: Bool {
        vmm == "qemu" && functions.allSatisfy { $0.model != nil }
    }
}

/// plan.json writes every address and size as a 0x-hex string, so 64-bit values survive.
struct Hex: Decodable, Equatable, CustomStringConvertible {
    var value: UInt64

    init(_ value: UInt64) { self.value = value }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a 0x-hex number: \(text)"))
        }
        self.value = value
    }

    var description: String { "0x" + String(value, radix: 16) }
}

/// The examples under Tables/ that QEMU can boot, decided by each one's golden plan.json.
enum Examples {
    static let runnable: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: BootEnvironment.tables.path)) ?? []
        return names.sorted().filter { name in
            let plan = BootEnvironment.tables.appendingPathComponent(name).appendingPathComponent("plan.json")
            return (try? PlanFile.read(plan))?.qemuCanRun ?? false
        }
    }()
}
