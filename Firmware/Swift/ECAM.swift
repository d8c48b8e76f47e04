// ECAM.swift — PCI Express enhanced configuration access: memory-mapped, 4 KiB per function.
// The firmware reads through it only once, to prove a low ECAM decodes where the plan put it;
// all its own configuration access goes through 0xCF8/0xCFC (PCIConfig.swift), which reaches
// an ECAM above 4 GiB too. Loads go through _Volatile: a plain UnsafePointer load of MMIO may
// be folded or dropped by the optimiser (see README.md, pitfalls).

import _Volatile

struct ECAM {
  let base: UInt32

  /// base + (bus << 20 | device << 15 | function << 12) + offset.
  func address(_ fn: PCIFunction, _ offset: UInt16) -> UInt32 {
    base
      | UInt32(fn.bus) << 20
      | UInt32(fn.device & 0x1F) << 15
      | UInt32(fn.function & 0x7) << 12
      | UInt32(offset & 0xFFC)
  }

  func read32(_ fn: PCIFunction, _ offset: UInt16) -> UInt32 {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address(fn, offset))).load()
  }
}
