// BARProbe.swift — what a function's BAR slot really is: sized the standard way (write all
// ones, read back the writable bits) while the function's decoding is off.

struct ProbedBAR {
  /// HandoffBAR.kindIO / kindMem32 / kindMem64 / kindROM.
  let kind: UInt8
  let prefetchable: Bool
  /// 0: the slot is not implemented.
  let size: UInt64
}

enum BARProbe {
  static let commandRegister: UInt8 = 0x04
  static let firstBAR: UInt8 = 0x10
  static let endpointROM: UInt8 = 0x30
  static let bridgeROM: UInt8 = 0x38

  /// The config offset of BAR slot `slot` (6 = expansion ROM) for a header type.
  static func offset(slot: UInt8, bridge: Bool) -> UInt8 {
    slot == HandoffBAR.romSlot ? (bridge ? bridgeROM : endpointROM) : firstBAR + slot * 4
  }

  static func probe(_ fn: PCIFunction, slot: UInt8, bridge: Bool) -> ProbedBAR {
    let register = offset(slot: slot, bridge: bridge)
    if slot == HandoffBAR.romSlot { return probeROM(fn, register) }
    let original = LegacyPCIConfig.read32(fn, register)
    LegacyPCIConfig.write32(fn, register, 0xFFFF_FFFF)
    let mask = LegacyPCIConfig.read32(fn, register)
    LegacyPCIConfig.write32(fn, register, original)
    if mask == 0 { return ProbedBAR(kind: HandoffBAR.kindMem32, prefetchable: false, size: 0) }
    if original & 1 == 1 { return ProbedBAR(kind: HandoffBAR.kindIO, prefetchable: false, size: ioSize(mask)) }
    let prefetchable = mask & 0x8 != 0
    guard mask & 0x6 == 0x4 else {
      return ProbedBAR(kind: HandoffBAR.kindMem32, prefetchable: prefetchable, size: UInt64(~(mask & 0xFFFF_FFF0) &+ 1))
    }
    let highOriginal = LegacyPCIConfig.read32(fn, register + 4)
    LegacyPCIConfig.write32(fn, register + 4, 0xFFFF_FFFF)
    let highMask = LegacyPCIConfig.read32(fn, register + 4)
    LegacyPCIConfig.write32(fn, register + 4, highOriginal)
    let wide = UInt64(highMask) << 32 | UInt64(mask & 0xFFFF_FFF0)
    return ProbedBAR(kind: HandoffBAR.kindMem64, prefetchable: prefetchable, size: ~wide &+ 1)
  }

  /// I/O BARs may implement only 16 address bits: the upper half then reads as zero.
  private static func ioSize(_ mask: UInt32) -> UInt64 {
    var bits = mask & 0xFFFF_FFFC
    if bits & 0xFFFF_0000 == 0 { bits |= 0xFFFF_0000 }
    return UInt64(~bits &+ 1)
  }

  /// Bit 0 of the ROM BAR enables it: sized with it clear, so the ROM never decodes here.
  private static func probeROM(_ fn: PCIFunction, _ register: UInt8) -> ProbedBAR {
    let original = LegacyPCIConfig.read32(fn, register)
    LegacyPCIConfig.write32(fn, register, 0xFFFF_F800)
    let mask = LegacyPCIConfig.read32(fn, register) & 0xFFFF_F800
    LegacyPCIConfig.write32(fn, register, original)
    return ProbedBAR(kind: HandoffBAR.kindROM, prefetchable: false, size: mask == 0 ? 0 : UInt64(~mask &+ 1))
  }

  /// Writes the planned address (both halves of a 64-bit BAR; the ROM left disabled).
  static func program(_ fn: PCIFunction, _ bar: HandoffBAR, bridge: Bool) {
    let register = offset(slot: bar.slot, bridge: bridge)
    LegacyPCIConfig.write32(fn, register, UInt32(truncatingIfNeeded: bar.address))
    if bar.kind == HandoffBAR.kindMem64 {
      LegacyPCIConfig.write32(fn, register + 4, UInt32(truncatingIfNeeded: bar.address >> 32))
    }
  }

  /// The address a programmed BAR now decodes, to confirm the write took.
  static func readAddress(_ fn: PCIFunction, _ bar: HandoffBAR, bridge: Bool) -> UInt64 {
    let register = offset(slot: bar.slot, bridge: bridge)
    let low = LegacyPCIConfig.read32(fn, register)
    switch bar.kind {
    case HandoffBAR.kindIO: return UInt64(low & 0xFFFF_FFFC)
    case HandoffBAR.kindROM: return UInt64(low & 0xFFFF_F800)
    case HandoffBAR.kindMem64: return UInt64(LegacyPCIConfig.read32(fn, register + 4)) << 32 | UInt64(low & 0xFFFF_FFF0)
    default: return UInt64(low & 0xFFFF_FFF0)
    }
  }
}
