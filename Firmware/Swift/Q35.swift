// Q35.swift — the chipset registers the firmware programs on QEMU's q35 machine
// (MCH 8086:29c0, ICH9 LPC 8086:2918; see shared REFERENCE.md "Q35 / ICH9").

enum Q35 {
  static let mch = PCIFunction(device: 0)           // 00:00.0 host bridge / memory controller
  static let lpc = PCIFunction(device: 0x1F)        // 00:1f.0 ICH9 LPC bridge (ACPI PM lives here)

  // MCH
  private static let pciexbarLow: UInt8 = 0x60
  private static let pciexbarHigh: UInt8 = 0x64
  private static let pamFirst: UInt8 = 0x90
  private static let pamLast: UInt8 = 0x96

  // LPC
  private static let pmBaseRegister: UInt8 = 0x40
  private static let acpiControl: UInt8 = 0x44
  private static let acpiEnable: UInt8 = 0x80       // ACPI_CNTL bit 7: decode the PM I/O block
  private static let pirqAtoD: UInt8 = 0x60
  private static let pirqEtoH: UInt8 = 0x68

  /// PCIEXBAR's length field for a bus count, nil for counts the MCH cannot decode.
  static func ecamLengthCode(buses: UInt16) -> UInt32? {
    switch buses {
    case 256: return 0
    case 128: return 1
    case 64: return 2
    default: return nil
    }
  }

  /// Enables the ECAM at `base` (below 64 GiB, 256 MiB-aligned whatever the length: QEMU's
  /// decoder masks differ from Intel's for the shorter lengths). High half first, so the window
  /// never decodes at a half-written address.
  static func enableECAM(base: UInt64, lengthCode: UInt32) {
    LegacyPCIConfig.write32(mch, pciexbarHigh, UInt32(truncatingIfNeeded: base >> 32))
    LegacyPCIConfig.write32(
      mch, pciexbarLow,
      UInt32(truncatingIfNeeded: base) & 0xF000_0000 | lengthCode << 1 | 1)
  }

  /// PCIEXBAR's base field: address bits 35:28.
  static let pciexbarBase: UInt64 = 0xF_F000_0000

  /// PCIEXBAR as the MCH holds it, both halves.
  static func pciexbar() -> UInt64 {
    UInt64(LegacyPCIConfig.read32(mch, pciexbarHigh)) << 32 | UInt64(LegacyPCIConfig.read32(mch, pciexbarLow))
  }

  /// 0xC0000-0xFFFFF read and write RAM instead of the ROM alias: the RSDP goes to 0xE0000.
  /// Each PAM nibble is one segment; 3 = reads and writes go to DRAM. PAM0's low nibble is
  /// reserved, so it gets only its high one (0xF0000-0xFFFFF).
  static func mapBIOSAreaToRAM() {
    LegacyPCIConfig.write8(mch, pamFirst, 0x30)
    var register = pamFirst + 1
    while register <= pamLast {
      LegacyPCIConfig.write8(mch, register, 0x33)
      register += 1
    }
  }

  /// ACPI_CNTL's SCI_IRQ_SEL (bits 2:0) for an SCI IRQ, nil for IRQs ICH9 cannot route the SCI to.
  static func sciSelect(irq: UInt8) -> UInt8? {
    switch irq {
    case 9, 10, 11: return irq - 9
    case 20, 21, 22, 23: return irq - 16
    default: return nil
    }
  }

  /// Places the ACPI PM I/O block (PM1a_EVT, PM1a_CNT, PM_TMR, GPE0) at `pmBase`, routes the SCI
  /// and enables the block.
  static func enableACPIPM(pmBase: UInt16, sciSelect: UInt8 = 0) {
    LegacyPCIConfig.write32(lpc, pmBaseRegister, UInt32(pmBase))
    let control = LegacyPCIConfig.read8(lpc, acpiControl) & ~0x07
    LegacyPCIConfig.write8(lpc, acpiControl, control | sciSelect | acpiEnable)
  }

  /// The PM I/O block's base if the firmware has enabled it, else nil.
  static func enabledPMBase() -> UInt16? {
    guard LegacyPCIConfig.read8(lpc, acpiControl) & acpiEnable != 0 else { return nil }
    let base = UInt16(truncatingIfNeeded: LegacyPCIConfig.read32(lpc, pmBaseRegister)) & 0xFF80
    return base == 0 ? nil : base
  }

  /// PIRQA..H route registers, A in the low byte of `routes`.
  static func setPIRQRoutes(_ routes: UInt64) {
    LegacyPCIConfig.write32(lpc, pirqAtoD, UInt32(truncatingIfNeeded: routes))
    LegacyPCIConfig.write32(lpc, pirqEtoH, UInt32(truncatingIfNeeded: routes >> 32))
  }
}
