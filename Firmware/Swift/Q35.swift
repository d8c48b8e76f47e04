// Q35.swift — the chipset registers the firmware programs on QEMU's q35 machine
// (MCH 8086:29c0, ICH9 LPC 8086:2918; see shared REFERENCE.md "Q35 / ICH9").

enum Q35 {
  static let mch = PCIFunction(device: 0)           // 00:00.0 host bridge / memory controller
  static let lpc = PCIFunction(device: 0x1F)        // 00:1f.0 ICH9 LPC bridge (ACPI PM lives here)

  // MCH
  private static let pciexbarLow: UInt8 = 0x60
  private static let pciexbarHigh: UInt8 = 0x64

  // LPC
  private static let pmBaseRegister: UInt8 = 0x40
  private static let acpiControl: UInt8 = 0x44
  private static let acpiEnable: UInt8 = 0x80       // ACPI_CNTL bit 7: decode the PM I/O block

  enum ECAMLength: UInt32 {
    case buses256 = 0  // 256 MiB
    case buses128 = 1  // 128 MiB
    case buses64 = 2   // 64 MiB
  }

  /// Enables the ECAM at `base` (below 64 GiB, 256 MiB-aligned whatever the length: QEMU's
  /// decoder masks differ from Intel's for the shorter lengths). High half first, so the window
  /// never decodes at a half-written address.
  static func enableECAM(base: UInt64, length: ECAMLength) {
    LegacyPCIConfig.write32(mch, pciexbarHigh, UInt32(truncatingIfNeeded: base >> 32))
    LegacyPCIConfig.write32(
      mch, pciexbarLow,
      UInt32(truncatingIfNeeded: base) & 0xF000_0000 | length.rawValue << 1 | 1)
  }

  /// Places the ACPI PM I/O block (PM1a_EVT, PM1a_CNT, PM_TMR, GPE0) at `pmBase` and enables it.
  static func enableACPIPM(pmBase: UInt16) {
    LegacyPCIConfig.write32(lpc, pmBaseRegister, UInt32(pmBase))
    let control = LegacyPCIConfig.read8(lpc, acpiControl)
    LegacyPCIConfig.write8(lpc, acpiControl, control | acpiEnable)
  }
}
