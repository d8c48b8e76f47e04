/// Host PCI functions as Linux shows them in sysfs (`/sys/bus/pci/devices/DDDD:BB:DD.F/`): pure
/// parsers over the bytes of `resource` and `config`, so they can be tested and fuzzed without a
/// host. Every read of the bytes is bounds-checked; a malformed file is a `HostFileProblem`, never
/// a trap. The file layer is `HostSysfs`.

/// A problem with one file's content: what is wrong and what would be accepted.
public struct HostFileProblem: Error, Sendable, Equatable {
    public var problem: String
    public var accepted: String

    public init(_ problem: String, accepted: String) {
        self.problem = problem
        self.accepted = accepted
    }
}

/// A host PCI address as sysfs names it: "DDDD:BB:DD.F", lowercase or uppercase hex digits only
/// (no sign, no 0x), device below 0x20, function 0-7.
public struct HostPCIAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var domain: UInt16
    public var bus: UInt8
    public var device: UInt8
    public var function: UInt8

    public init(domain: UInt16, bus: UInt8, device: UInt8, function: UInt8) {
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    public static let accepted = "a host PCI address \"DDDD:BB:DD.F\" in hex as sysfs names it (domain 4 digits, bus 2, device 2 below 20, function 0-7), e.g. \"0000:65:00.0\""

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        // D D D D : B B : D D . F
        guard bytes.count == 12, bytes[4] == UInt8(ascii: ":"), bytes[7] == UInt8(ascii: ":"),
              bytes[10] == UInt8(ascii: ".") else { return nil }
        func hex(_ range: Range<Int>) -> UInt32? {
            var value: UInt32 = 0
            for byte in bytes[range] {
                guard let digit = hexDigit(byte) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        guard let domain = hex(0..<4), let bus = hex(5..<7), let device = hex(8..<10), let function = hex(11..<12),
              device < 0x20, function < 8 else { return nil }
        self.init(domain: UInt16(domain), bus: UInt8(bus), device: UInt8(device), function: UInt8(function))
    }

    public var description: String {
        hex(UInt64(domain), digits: 4) + ":" + hex(UInt64(bus), digits: 2) + ":" + hex(UInt64(device), digits: 2)
            + "." + String(function)
    }

    /// The same slot's function `function`.
    public func withFunction(_ function: UInt8) -> HostPCIAddress {
        HostPCIAddress(domain: domain, bus: bus, device: device, function: function)
    }

    public func sameSlot(_ other: HostPCIAddress) -> Bool {
        domain == other.domain && bus == other.bus && device == other.device
    }

    public static func < (a: HostPCIAddress, b: HostPCIAddress) -> Bool {
        (a.domain, a.bus, a.device, a.function) < (b.domain, b.bus, b.device, b.function)
    }
}

func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}

/// One line of sysfs `resource`: "0x<start> 0x<end> 0x<flags>" (Linux's resource_show prints
/// each as 0x%016llx). Lines 0-5 are the BARs, 6 the expansion ROM, 7-12 the SR-IOV VF BARs of a
/// physical function (CONFIG_PCI_IOV), then a bridge's windows.
public struct ResourceLine: Sendable, Hashable {
    public var start: UInt64
    public var end: UInt64
    public var flags: UInt64

    public init(start: UInt64, end: UInt64, flags: UInt64) {
        self.start = start
        self.end = end
        self.flags = flags
    }

    /// include/linux/ioport.h.
    public static let io: UInt64 = 0x100
    public static let mem: UInt64 = 0x200
    public static let prefetch: UInt64 = 0x2000
    public static let mem64: UInt64 = 0x10_0000
    /// IORESOURCE_ROM_SHADOW, one of the bus-specific IORESOURCE_BITS (1 << 1) and meaningful on
    /// the ROM line only: the resource is the shadow copy at 0xc0000 (x86's pci_fixup_video for
    /// the boot VGA device), not the ROM BAR. (0x20000 is IORESOURCE_SHADOWABLE, another flag.)
    public static let romShadow: UInt64 = 0x2

    public var isEmpty: Bool { start == 0 && end == 0 }
    /// end - start + 1 for a line that has an address range.
    public var size: UInt64? { isEmpty || end < start || end - start == UInt64.max ? nil : end - start + 1 }
}

public enum SysfsResource {
    public static let lineAccepted = "lines \"0x<start> 0x<end> 0x<flags>\" (hex, up to 16 digits each) as Linux's sysfs resource file has them, at least 7 (BARs 0-5 and the ROM)"
    static let maximumLines = 64

    /// Every line of the file, in order.
    public static func parse(_ bytes: [UInt8]) throws(HostFileProblem) -> [ResourceLine] {
        var lines: [ResourceLine] = []
        var index = 0
        var lineNumber = 1
        while index < bytes.count {
            var end = index
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            guard end < bytes.count else {
                throw HostFileProblem("line \(lineNumber) is cut short (no newline at the end: a truncated file)", accepted: lineAccepted)
            }
            guard lines.count < maximumLines else {
                throw HostFileProblem("has more than \(maximumLines) lines", accepted: lineAccepted)
            }
            let fields = bytes[index..<end].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard fields.count == 3, let start = hexField(fields[0]), let stop = hexField(fields[1]), let flags = hexField(fields[2]) else {
                throw HostFileProblem("line \(lineNumber) is not three 0x-hex numbers", accepted: lineAccepted)
            }
            lines.append(ResourceLine(start: start, end: stop, flags: flags))
            index = end + 1
            lineNumber += 1
        }
        guard lines.count >= 7 else {
            throw HostFileProblem("has \(lines.count) lines (a truncated file)", accepted: lineAccepted)
        }
        return lines
    }

    static func hexField(_ field: ArraySlice<UInt8>) -> UInt64? {
        let digits = field.dropFirst(2)
        guard field.count > 2, field[field.startIndex] == UInt8(ascii: "0"), field[field.startIndex + 1] == UInt8(ascii: "x"),
              digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = hexDigit(byte) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}

/// A resizable BAR as its extended capability (ID 0x15) describes it.
public struct ResizableBAR: Sendable, Hashable {
    public var index: Int
    /// Every size the function supports, in bytes, ascending.
    public var supportedSizes: [UInt64]
    /// The size programmed now (control register bits 13:8: 2^(n + 20) bytes).
    public var currentSize: UInt64

    public init(index: Int, supportedSizes: [UInt64], currentSize: UInt64) {
        self.index = index
        self.supportedSizes = supportedSizes
        self.currentSize = currentSize
    }
}

/// What guestfw reads of a function's configuration space.
public struct HostConfigSpace: Sendable, Hashable {
    public var size: Int
    public var vendorID: UInt16
    public var deviceID: UInt16
    public var revision: UInt8
    /// Base class, subclass, programming interface (bytes 0x0b, 0x0a, 0x09).
    public var classCode: UInt32
    /// Byte 0x0e without the multi-function bit.
    public var headerType: UInt8
    public var multiFunction: Bool
    public var subsystemVendorID: UInt16
    public var subsystemID: UInt16
    public var interruptPin: UInt8
    /// The PCI Express capability's device/port type (Capabilities register bits 7:4), nil
    /// without one.
    public var pcieTypeNumber: UInt8?
    /// The six BAR registers (header type 0) and the ROM register (0x30), as last programmed.
    public var barRegisters: [UInt32]
    public var romRegister: UInt32
    /// From the resizable BAR extended capability, when the file holds extended config space.
    public var resizableBARs: [ResizableBAR]

    public static let accepted = "a function's whole config file as Linux's sysfs gives it to root (256 bytes, or 4096 with extended config space)"

    public var pcieType: PCIeType? { pcieTypeNumber.flatMap(PCIeType.init(number:)) }

    public static func parse(_ bytes: [UInt8]) throws(HostFileProblem) -> HostConfigSpace {
        guard bytes.count >= 64 else {
            throw HostFileProblem("is \(bytes.count) bytes, shorter than the 64-byte header (a truncated file)", accepted: accepted)
        }
        guard bytes.count <= 4096 else {
            throw HostFileProblem("is \(bytes.count) bytes, more than the 4096 of a PCI Express function's config space", accepted: accepted)
        }
        let reader = ByteReader(bytes)
        let header = reader.u8(0x0e) ?? 0
        var space = HostConfigSpace(
            size: bytes.count, vendorID: reader.u16(0) ?? 0, deviceID: reader.u16(2) ?? 0, revision: reader.u8(8) ?? 0,
            classCode: UInt32(reader.u8(0x0b) ?? 0) << 16 | UInt32(reader.u8(0x0a) ?? 0) << 8 | UInt32(reader.u8(0x09) ?? 0),
            headerType: header & 0x7f, multiFunction: header & 0x80 != 0,
            subsystemVendorID: reader.u16(0x2c) ?? 0, subsystemID: reader.u16(0x2e) ?? 0,
            interruptPin: reader.u8(0x3d) ?? 0, pcieTypeNumber: nil,
            barRegisters: (0..<6).map { reader.u32(0x10 + 4 * $0) ?? 0 }, romRegister: reader.u32(0x30) ?? 0,
            resizableBARs: [])
        let status = reader.u16(6) ?? 0
        var pcie = false
        if status & 0x10 != 0 {
            // The capability list: a pointer at 0x34 (0x14 for CardBus, which is refused later).
            var pointer = Int((reader.u8(space.headerType == 2 ? 0x14 : 0x34) ?? 0) & 0xfc)
            var seen = 0
            while pointer != 0 {
                guard pointer >= 0x40, pointer + 4 <= min(bytes.count, 256) else {
                    throw HostFileProblem(pointer + 4 > bytes.count && pointer + 4 <= 256
                        ? "is \(bytes.count) bytes and its capability list points at 0x\(hex(UInt64(pointer), digits: 2)) (a truncated file: Linux gives readers without CAP_SYS_ADMIN only the first 64 bytes)"
                        : "has a capability pointer 0x\(hex(UInt64(pointer), digits: 2)) outside 0x40-0xfc",
                        accepted: accepted)
                }
                seen += 1
                guard seen <= 48 else {
                    throw HostFileProblem("has a capability list that loops (more than 48 entries)", accepted: accepted)
                }
                if reader.u8(pointer) == 0x10 {
                    pcie = true
                    space.pcieTypeNumber = ((reader.u8(pointer + 2) ?? 0) >> 4) & 0xf
                }
                pointer = Int((reader.u8(pointer + 1) ?? 0) & 0xfc)
            }
        }
        if pcie && bytes.count == 4096 {
            space.resizableBARs = try extendedCapabilities(reader)
        }
        return space
    }

    /// The extended capability list from 0x100 (PCI Express only): header dword = ID bits 15:0,
    /// version 19:16, next offset 31:20. Only the resizable BAR capability is read.
    static func extendedCapabilities(_ reader: ByteReader) throws(HostFileProblem) -> [ResizableBAR] {
        var offset = 0x100
        var seen = 0
        var result: [ResizableBAR] = []
        while offset != 0 {
            guard let headerWord = reader.u32(offset), offset >= 0x100 else {
                throw HostFileProblem("has an extended capability pointer 0x\(hex(UInt64(offset), digits: 3)) outside 0x100-0xffc", accepted: accepted)
            }
            if headerWord == 0 || headerWord == 0xffff_ffff { break }
            seen += 1
            guard seen <= 512 else {
                throw HostFileProblem("has an extended capability list that loops", accepted: accepted)
            }
            if headerWord & 0xffff == 0x15 {
                result += try resizableBARs(reader, at: offset)
            }
            offset = Int(headerWord >> 20) & 0xffc
        }
        return result
    }

    /// Resizable BAR capability: per BAR a capability dword (bits 31:4: bit n + 4 set = 2^(n + 20)
    /// bytes supported) and a control dword (bits 2:0 BAR index, 7:5 number of resizable BARs in
    /// the first entry, 13:8 current size; bits 31:16 more supported sizes from 2^(n + 36)).
    static func resizableBARs(_ reader: ByteReader, at offset: Int) throws(HostFileProblem) -> [ResizableBAR] {
        guard let firstControl = reader.u32(offset + 8) else {
            throw HostFileProblem("has a resizable BAR capability at 0x\(hex(UInt64(offset), digits: 3)) cut off by the end of the file", accepted: accepted)
        }
        let count = Int((firstControl >> 5) & 7)
        guard (1...6).contains(count) else {
            throw HostFileProblem("has a resizable BAR capability at 0x\(hex(UInt64(offset), digits: 3)) claiming \(count) BARs", accepted: "1 to 6 resizable BARs")
        }
        var result: [ResizableBAR] = []
        for entry in 0..<count {
            guard let capability = reader.u32(offset + 4 + 8 * entry), let control = reader.u32(offset + 8 + 8 * entry) else {
                throw HostFileProblem("has a resizable BAR capability at 0x\(hex(UInt64(offset), digits: 3)) cut off by the end of the file", accepted: accepted)
            }
            var sizes: [UInt64] = []
            for bit in 4..<32 where capability >> bit & 1 != 0 { sizes.append(UInt64(1) << (bit - 4 + 20)) }
            for bit in 16..<32 where control >> bit & 1 != 0 && bit - 16 + 40 < 64 { sizes.append(UInt64(1) << (bit - 16 + 40)) }
            let current = Int((control >> 8) & 0x3f)
            result.append(ResizableBAR(index: Int(control & 7), supportedSizes: sizes.sorted(),
                                       currentSize: current + 20 < 64 ? UInt64(1) << (current + 20) : 0))
        }
        return result
    }
}

/// Little-endian reads that answer nil past the end instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func u8(_ offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }
    func u16(_ offset: Int) -> UInt16? {
        guard let low = u8(offset), let high = u8(offset + 1) else { return nil }
        return UInt16(low) | UInt16(high) << 8
    }
    func u32(_ offset: Int) -> UInt32? {
        guard let low = u16(offset), let high = u16(offset + 2) else { return nil }
        return UInt32(low) | UInt32(high) << 16
    }
}

extension PCIeType {
    /// The device/port type field's value (PCI Express Capabilities register bits 7:4).
    public init?(number: UInt8) {
        switch number {
        case 0: self = .endpoint
        case 1: self = .legacyEndpoint
        case 4: self = .rootPort
        case 5: self = .upstreamPort
        case 6: self = .downstreamPort
        case 7: self = .pcieToPCIBridge
        case 8: self = .pciToPCIeBridge
        case 9: self = .integratedEndpoint
        case 10: self = .eventCollector
        default: return nil
        }
    }
}
