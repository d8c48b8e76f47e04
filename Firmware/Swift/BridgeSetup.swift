// BridgeSetup.swift — a root port's bus numbers and forwarding windows, as planned. A window
// the plan leaves closed is written base > limit, which PCI defines as forwarding nothing.

enum BridgeSetup {
  private static let busNumbers: UInt8 = 0x18
  private static let ioBaseLimit: UInt8 = 0x1C
  private static let memoryBaseLimit: UInt8 = 0x20
  private static let prefBaseLimit: UInt8 = 0x24
  private static let prefBaseUpper: UInt8 = 0x28
  private static let prefLimitUpper: UInt8 = 0x2C
  private static let ioUpper: UInt8 = 0x30

  static func program(_ fn: PCIFunction, _ planned: HandoffFunction) {
    // Secondary latency timer (byte 3) stays 0: PCIe has none.
    write(fn, busNumbers, UInt32(fn.bus) | UInt32(planned.secondaryBus) << 8 | UInt32(planned.subordinateBus) << 16)
    programIO(fn, planned)
    programMemory(fn, planned)
    programPrefetchable(fn, planned)
  }

  /// Bits 15:12 of base and limit in one byte each; bits 31:16 in the upper registers.
  private static func programIO(_ fn: PCIFunction, _ planned: HandoffFunction) {
    guard planned.windows & HandoffFunction.windowIO != 0 else {
      write(fn, ioUpper, 0)
      write(fn, ioBaseLimit, 0x00F0)
      return
    }
    let base = UInt32(truncatingIfNeeded: planned.ioBase)
    let limit = UInt32(truncatingIfNeeded: planned.ioLimit)
    write(fn, ioUpper, base >> 16 | (limit >> 16) << 16)
    write(fn, ioBaseLimit, (base >> 8) & 0xF0 | ((limit >> 8) & 0xF0) << 8)
  }

  /// Bits 31:20 of base and limit, 1 MiB granular.
  private static func programMemory(_ fn: PCIFunction, _ planned: HandoffFunction) {
    guard planned.windows & HandoffFunction.windowMem != 0 else {
      write(fn, memoryBaseLimit, 0x0000_FFF0)
      return
    }
    write(fn, memoryBaseLimit, baseLimit(planned.memBase, planned.memLimit))
  }

  /// Like the memory window, with bits 63:32 of base and limit in the upper registers.
  private static func programPrefetchable(_ fn: PCIFunction, _ planned: HandoffFunction) {
    guard planned.windows & HandoffFunction.windowPref != 0 else {
      write(fn, prefBaseUpper, 0)
      write(fn, prefLimitUpper, 0)
      write(fn, prefBaseLimit, 0x0000_FFF0)
      return
    }
    write(fn, prefBaseUpper, UInt32(truncatingIfNeeded: planned.prefBase >> 32))
    write(fn, prefLimitUpper, UInt32(truncatingIfNeeded: planned.prefLimit >> 32))
    write(fn, prefBaseLimit, baseLimit(planned.prefBase, planned.prefLimit))
  }

  /// A window register that does not keep what was written (a port without 32-bit I/O or
  /// 64-bit prefetchable decoding) cannot forward the planned window: that is a mismatch.
  /// The low nibbles of the I/O and prefetchable base/limit are read-only capability bits.
  private static func write(_ fn: PCIFunction, _ register: UInt8, _ value: UInt32) {
    LegacyPCIConfig.write32(fn, register, value)
    let mask: UInt32
    switch register {
    case busNumbers: mask = 0x00FF_FFFF
    case ioBaseLimit: mask = 0x0000_F0F0
    case memoryBaseLimit, prefBaseLimit: mask = 0xFFF0_FFF0
    default: mask = 0xFFFF_FFFF
    }
    let found = LegacyPCIConfig.read32(fn, register)
    if found & mask != value & mask {
      Report.mismatch(fn)
      Serial.write("bridge register 0x")
      Serial.hex(UInt32(register), digits: 2)
      Serial.write(" planned 0x")
      Serial.hex(value & mask)
      Serial.write(", reads back 0x")
      Serial.hex(found & mask)
      Report.halt()
    }
  }

  private static func baseLimit(_ base: UInt64, _ limit: UInt64) -> UInt32 {
    let low = UInt32(truncatingIfNeeded: base >> 16) & 0xFFF0
    let high = UInt32(truncatingIfNeeded: limit >> 16) & 0xFFF0
    return low | high << 16
  }
}
