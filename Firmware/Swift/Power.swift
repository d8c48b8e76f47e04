// Power.swift — turning the VM off through ICH9's ACPI PM1a control register.
// QEMU shuts down on S5; with -no-reboot the process then exits, which ends a test run.

enum Power {
  /// Used only when nothing has enabled the PM block yet (QEMU's own firmware uses 0x600 too).
  static let fallbackPMBase: UInt16 = 0x600

  private static let pm1aControlOffset: UInt16 = 4
  private static let sleepEnable: UInt16 = 1 << 13        // SLP_EN
  private static let sleepTypeS5: UInt16 = 0 << 10        // SLP_TYP for S5 on QEMU's ICH9 (its DSDT's \_S5)

  /// Powers off through the PM block where the plan put it, so the chipset stays as planned.
  static func off() -> Never {
    let pmBase: UInt16
    if let planned = Q35.enabledPMBase() {
      pmBase = planned
    } else {
      pmBase = fallbackPMBase
      Q35.enableACPIPM(pmBase: pmBase)
    }
    portOut16(pmBase + pm1aControlOffset, sleepTypeS5 | sleepEnable)
    // QEMU stops at the write above; a machine that ignores it stops here.
    cpuHaltForever()
  }
}
