import Foundation

/// plan.json as the tests read it: Codable straight from the file `guestfw` wrote, so the tests
/// check the published contract (DESIGN.md), not the planner's types. Optional where the key is
/// absent or null in some plans.
public struct PlanFile: Decodable, Sendable {
    public var name: String
    public var policy: String
    public var vmm: String
    public var physBits: Int
    public var ecam: ECAM
    public var windows: HostWindows
    public var hostBridges: [HostBridge]
    public var memory: Memory
    public var warnings: [String]
    public var functions: [Function]

    public struct ECAM: Decodable, Sendable {
        public var base: Hex
        public var size: Hex
        public var segment: Int
        public var busStart: Int
        public var busEnd: Int
    }

    public struct Range: Decodable, Sendable, Equatable {
        public var start: Hex
        public var end: Hex
        public var size: UInt64 { end.value - start.value + 1 }
    }

    public struct HostWindows: Decodable, Sendable {
        public var io: Range?
        public var mmio32: Range?
        public var mmio32Ranges: [Range]
        public var mmio64: Range?
    }

    /// PCI0 or an expander, with what its `_CRS` claims.
    public struct HostBridge: Decodable, Sendable {
        public var id: String
        public var uid: Int
        /// nil for PCI0; an expander's own function on bus 0.
        public var bdf: String?
        public var busStart: Int
        public var busEnd: Int
        public var io: [Range]
        public var mmio32: [Range]
        public var mmio64: [Range]
    }

    public struct Memory: Decodable, Sendable {
        public var firmwareRom: Range
    }

    public struct Windows: Decodable, Sendable {
        public var io: Range?
        public var mem: Range?
        public var pref: Range?
    }

    public struct BAR: Decodable, Sendable {
        public var bar: Int
        public var kind: String
        public var prefetchable: Bool
        public var size: Hex
        /// Absent when the policy left the BAR unassigned.
        public var address: Hex?
    }

    public struct Function: Decodable, Sendable {
        public var bdf: String
        public var id: String
        public var kind: String
        public var model: String?
        /// nil for a passthrough device described by its BARs alone.
        public var vendor: Hex?
        public var device: Hex?
        public var secondaryBus: Int?
        public var subordinateBus: Int?
        public var hotplug: Bool?
        /// A root or downstream port's slot number (its chassis and slot in QEMU).
        public var slot: Int?
        public var windows: Windows?
        public var bars: [BAR]

        /// "bb:dd.f" → bus number.
        public var bus: Int { Int(bdf.prefix(2), radix: 16) ?? -1 }

        public func bar(_ index: Int) -> BAR? { bars.first { $0.bar == index } }
    }

    public static func read(_ url: URL) throws -> PlanFile {
        try decode(Data(contentsOf: url))
    }

    public static func decode(_ data: Data) throws -> PlanFile {
        try JSONDecoder().decode(PlanFile.self, from: data)
    }

    public func function(_ id: String) -> Function? { functions.first { $0.id == id } }

    /// Passthrough devices have no model: QEMU cannot emulate them, and qemu-args refuses them.
    public var qemuCanRun: Bool {
        vmm == "qemu" && functions.allSatisfy { $0.model != nil }
    }
}

/// plan.json writes every address and size as a 0x-hex string, so 64-bit values survive.
public struct Hex: Decodable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Hex.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a 0x-hex number: \(text)"))
        }
        self.value = value
    }

    /// "0x…" → its value; nil for anything else.
    public static func parse(_ text: String) -> UInt64? {
        guard text.hasPrefix("0x") else { return nil }
        return UInt64(text.dropFirst(2), radix: 16)
    }

    public var description: String { "0x" + String(value, radix: 16) }
}

/// The examples under Tables/ that QEMU can boot, decided by each one's golden plan.json.
public enum Examples {
    public static let runnable: [String] = Repository.exampleNames.filter { name in
        (try? Repository.examplePlan(name))?.qemuCanRun ?? false
    }
}
