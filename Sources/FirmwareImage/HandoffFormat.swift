// HandoffFormat.swift — the layout of the hand-off block, written down once.
//
// This file is compiled twice: into FirmwareImage on the host (which writes the block) and into
// the boot firmware as Embedded Swift for i686 (which reads it). It may therefore use only what
// both can: fixed-width integers, structs and raw pointers; no String, Array, Foundation or
// existentials. Every record has a fixed size and explicit byte offsets, little-endian, so the
// two compilers can never lay a field out differently.
//
// The block, as it sits in the firmware ROM:
//
//   HandoffHeader                    at offset 0, HandoffHeader.size bytes
//   HandoffFunction × functionCount  at header.functionsOffset
//   HandoffBAR × barCount            at header.barsOffset
//   HandoffE820Entry × e820Count     at header.e820Offset (Linux's boot_params e820 layout)
//   HandoffRAMRange × ramCount       at header.ramOffset (the RAM QEMU's etc/e820 must report)
//   HandoffTable × tableCount        at header.tablesOffset
//   table bytes                      each at its HandoffTable.dataOffset
//
// The checksum is CRC-32 (IEEE 802.3, reflected, as zlib computes it) over all totalSize bytes
// with the checksum field read as zero.

public enum HandoffFormat {
    /// "GFWPLAN1" read as a little-endian UInt64.
    public static let magic: UInt64 = 0x314E_414C_5057_4647
    /// Raised whenever a record's layout or meaning changes.
    public static let version: UInt16 = 1
    /// Every record and the table bytes start at a multiple of this.
    public static let alignment: UInt32 = 8

    /// The boot code's pointer to the block: a HandoffLocator in a section of this name, which
    /// FirmwareImage fills in.
    public static let locatorSymbol: StaticString = "guestfw_handoff_locator"

    /// CRC-32 of `count` bytes at `bytes`, treating the 4 bytes at `skip` as zero.
    public static func crc32(_ bytes: UnsafeRawPointer, count: Int, skipping skip: Int) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        var index = 0
        while index < count {
            let inSkip = index >= skip && index < skip + 4
            let byte: UInt8 = inSkip ? 0 : bytes.load(fromByteOffset: index, as: UInt8.self)
            crc ^= UInt32(byte)
            var bit = 0
            while bit < 8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
                bit += 1
            }
            index += 1
        }
        return ~crc
    }
}

/// Raw little-endian field access at fixed offsets: the only way records are read or written.
public struct HandoffCursor {
    public let base: UnsafeMutableRawPointer

    public init(_ base: UnsafeMutableRawPointer) { self.base = base }
    public init(reading base: UnsafeRawPointer) { self.base = UnsafeMutableRawPointer(mutating: base) }

    public func u8(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
    public func u16(_ offset: Int) -> UInt16 { UInt16(u8(offset)) | UInt16(u8(offset + 1)) << 8 }
    public func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16 }
    public func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }

    public func set(_ offset: Int, u8 value: UInt8) { base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self) }
    public func set(_ offset: Int, u16 value: UInt16) {
        set(offset, u8: UInt8(truncatingIfNeeded: value))
        set(offset + 1, u8: UInt8(truncatingIfNeeded: value >> 8))
    }
    public func set(_ offset: Int, u32 value: UInt32) {
        set(offset, u16: UInt16(truncatingIfNeeded: value))
        set(offset + 2, u16: UInt16(truncatingIfNeeded: value >> 16))
    }
    public func set(_ offset: Int, u64 value: UInt64) {
        set(offset, u32: UInt32(truncatingIfNeeded: value))
        set(offset + 4, u32: UInt32(truncatingIfNeeded: value >> 32))
    }
}

/// Where the block is: 8 bytes in the boot code's ROM, written by FirmwareImage.
public struct HandoffLocator {
    public static let size = 8
    public var address: UInt32
    public var length: UInt32

    public init(address: UInt32, length: UInt32) {
        self.address = address
        self.length = length
    }

    public init(_ c: HandoffCursor) {
        address = c.u32(0)
        length = c.u32(4)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u32: address)
        c.set(4, u32: length)
    }
}

public struct HandoffHeader {
    public static let size = 96
    public static let checksumOffset = 12

    public var magic: UInt64 = HandoffFormat.magic
    public var version: UInt16 = HandoffFormat.version
    public var headerSize: UInt16 = UInt16(HandoffHeader.size)
    public var totalSize: UInt32 = 0
    public var checksum: UInt32 = 0
    /// The ECAM window: PCIEXBAR's base and the number of buses it decodes (64, 128 or 256).
    public var ecamBase: UInt64 = 0
    public var ecamBuses: UInt16 = 0
    /// ICH9 PMBASE (the ACPI PM I/O block) and the SCI's IRQ.
    public var pmBase: UInt16 = 0
    public var sciIRQ: UInt8 = 0
    /// ICH9 PIRQA..H route registers (LPC 0x60..0x63, 0x68..0x6B), one byte each, A in the low byte.
    public var pirqRoutes: UInt64 = 0
    /// The RSDP's address, for the boot protocol's acpi_rsdp_addr.
    public var rsdpAddress: UInt64 = 0
    public var functionCount: UInt16 = 0
    public var barCount: UInt16 = 0
    public var e820Count: UInt16 = 0
    public var ramCount: UInt16 = 0
    public var tableCount: UInt16 = 0
    public var functionsOffset: UInt32 = 0
    public var barsOffset: UInt32 = 0
    public var e820Offset: UInt32 = 0
    public var ramOffset: UInt32 = 0
    public var tablesOffset: UInt32 = 0

    public init() {}

    public init(_ c: HandoffCursor) {
        magic = c.u64(0)
        version = c.u16(8)
        headerSize = c.u16(10)
        checksum = c.u32(12)
        totalSize = c.u32(16)
        ecamBase = c.u64(24)
        ecamBuses = c.u16(32)
        pmBase = c.u16(34)
        sciIRQ = c.u8(36)
        pirqRoutes = c.u64(40)
        rsdpAddress = c.u64(48)
        functionCount = c.u16(56)
        barCount = c.u16(58)
        e820Count = c.u16(60)
        ramCount = c.u16(62)
        tableCount = c.u16(64)
        functionsOffset = c.u32(68)
        barsOffset = c.u32(72)
        e820Offset = c.u32(76)
        ramOffset = c.u32(80)
        tablesOffset = c.u32(84)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u64: magic)
        c.set(8, u16: version)
        c.set(10, u16: headerSize)
        c.set(12, u32: checksum)
        c.set(16, u32: totalSize)
        c.set(24, u64: ecamBase)
        c.set(32, u16: ecamBuses)
        c.set(34, u16: pmBase)
        c.set(36, u8: sciIRQ)
        c.set(40, u64: pirqRoutes)
        c.set(48, u64: rsdpAddress)
        c.set(56, u16: functionCount)
        c.set(58, u16: barCount)
        c.set(60, u16: e820Count)
        c.set(62, u16: ramCount)
        c.set(64, u16: tableCount)
        c.set(68, u32: functionsOffset)
        c.set(72, u32: barsOffset)
        c.set(76, u32: e820Offset)
        c.set(80, u32: ramOffset)
        c.set(84, u32: tablesOffset)
    }
}

/// One PCI function to check and program, in the order the firmware must visit them (by bus,
/// so a root port's secondary bus is numbered before its devices are reached).
public struct HandoffFunction {
    public static let size = 80

    public static let kindEndpoint: UInt8 = 0
    public static let kindBridge: UInt8 = 1

    public static let windowIO: UInt8 = 1
    public static let windowMem: UInt8 = 2
    public static let windowPref: UInt8 = 4

    public var bus: UInt8 = 0
    public var device: UInt8 = 0
    public var function: UInt8 = 0
    public var kind: UInt8 = HandoffFunction.kindEndpoint
    public var vendorID: UInt16 = 0
    public var deviceID: UInt16 = 0
    /// PCI command register value to write last (I/O, memory, bus master bits).
    public var command: UInt16 = 0
    /// PCI interrupt line register value (0xFF: no interrupt).
    public var interruptLine: UInt8 = 0xFF
    /// The pin the function must report (0: none, 1 = INTA), checked, not written.
    public var interruptPin: UInt8 = 0
    public var secondaryBus: UInt8 = 0
    public var subordinateBus: UInt8 = 0
    /// Which of the bridge windows below are open (windowIO | windowMem | windowPref).
    public var windows: UInt8 = 0
    /// BAR slots (bit n = BAR n, bit 6 = ROM, including a 64-bit BAR's upper half) the plan uses;
    /// every other slot must size to zero.
    public var usedSlots: UInt8 = 0
    public var firstBAR: UInt16 = 0
    public var barCount: UInt16 = 0
    public var ioBase: UInt64 = 0
    public var ioLimit: UInt64 = 0
    public var memBase: UInt64 = 0
    public var memLimit: UInt64 = 0
    public var prefBase: UInt64 = 0
    public var prefLimit: UInt64 = 0

    public init() {}

    public init(_ c: HandoffCursor) {
        bus = c.u8(0)
        device = c.u8(1)
        function = c.u8(2)
        kind = c.u8(3)
        vendorID = c.u16(4)
        deviceID = c.u16(6)
        command = c.u16(8)
        interruptLine = c.u8(10)
        interruptPin = c.u8(11)
        secondaryBus = c.u8(12)
        subordinateBus = c.u8(13)
        windows = c.u8(14)
        usedSlots = c.u8(15)
        firstBAR = c.u16(16)
        barCount = c.u16(18)
        ioBase = c.u64(24)
        ioLimit = c.u64(32)
        memBase = c.u64(40)
        memLimit = c.u64(48)
        prefBase = c.u64(56)
        prefLimit = c.u64(64)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u8: bus)
        c.set(1, u8: device)
        c.set(2, u8: function)
        c.set(3, u8: kind)
        c.set(4, u16: vendorID)
        c.set(6, u16: deviceID)
        c.set(8, u16: command)
        c.set(10, u8: interruptLine)
        c.set(11, u8: interruptPin)
        c.set(12, u8: secondaryBus)
        c.set(13, u8: subordinateBus)
        c.set(14, u8: windows)
        c.set(15, u8: usedSlots)
        c.set(16, u16: firstBAR)
        c.set(18, u16: barCount)
        c.set(24, u64: ioBase)
        c.set(32, u64: ioLimit)
        c.set(40, u64: memBase)
        c.set(48, u64: memLimit)
        c.set(56, u64: prefBase)
        c.set(64, u64: prefLimit)
    }
}

/// One BAR: its slot (0-5, 6 = expansion ROM), kind, size and address.
public struct HandoffBAR {
    public static let size = 24

    public static let kindIO: UInt8 = 0
    public static let kindMem32: UInt8 = 1
    public static let kindMem64: UInt8 = 2
    public static let kindROM: UInt8 = 3

    public static let romSlot: UInt8 = 6

    public var slot: UInt8 = 0
    public var kind: UInt8 = HandoffBAR.kindMem32
    public var prefetchable: UInt8 = 0
    public var size: UInt64 = 0
    public var address: UInt64 = 0

    public init() {}

    public init(_ c: HandoffCursor) {
        slot = c.u8(0)
        kind = c.u8(1)
        prefetchable = c.u8(2)
        size = c.u64(8)
        address = c.u64(16)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u8: slot)
        c.set(1, u8: kind)
        c.set(2, u8: prefetchable)
        c.set(8, u64: size)
        c.set(16, u64: address)
    }
}

/// An E820 entry exactly as Linux's boot_params.e820_table holds it (packed, 20 bytes).
public struct HandoffE820Entry {
    public static let size = 20

    public var address: UInt64 = 0
    public var length: UInt64 = 0
    /// 1 RAM, 2 reserved, 3 ACPI, 4 NVS.
    public var type: UInt32 = 0

    public init() {}

    public init(_ c: HandoffCursor) {
        address = c.u64(0)
        length = c.u64(8)
        type = c.u32(16)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u64: address)
        c.set(8, u64: length)
        c.set(16, u32: type)
    }
}

/// RAM the plan expects QEMU to have, as one etc/e820 RAM entry each.
public struct HandoffRAMRange {
    public static let size = 16

    public var address: UInt64 = 0
    public var length: UInt64 = 0

    public init() {}

    public init(_ c: HandoffCursor) {
        address = c.u64(0)
        length = c.u64(8)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u64: address)
        c.set(8, u64: length)
    }
}

/// One ACPI table (or the RSDP) and where it goes.
public struct HandoffTable {
    public static let size = 24

    /// The four signature characters, the first in the low byte ("RSD " for the RSDP).
    public var signature: UInt32 = 0
    public var length: UInt32 = 0
    public var address: UInt64 = 0
    /// Offset of the table's bytes from the start of the block.
    public var dataOffset: UInt32 = 0

    public init() {}

    public init(_ c: HandoffCursor) {
        signature = c.u32(0)
        length = c.u32(4)
        address = c.u64(8)
        dataOffset = c.u32(16)
    }

    public func write(_ c: HandoffCursor) {
        c.set(0, u32: signature)
        c.set(4, u32: length)
        c.set(8, u64: address)
        c.set(16, u32: dataOffset)
    }
}
