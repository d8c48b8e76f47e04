// FirmwareMain.swift — what the firmware does after entry32.S has set up segments, stack,
// .data and .bss: apply the plan in the hand-off block, in the order the hardware needs
// (config access before devices, devices before tables), then start Linux.

@_cdecl("firmware_main")
public func firmwareMain() {
  Serial.initialize()
  Serial.line("guestfw firmware: reset")
  let handoff = Handoff.locate()
  let ecam = ChipsetSetup.apply(handoff.header)
  MemoryCheck.verify(handoff)
  PCISetup.apply(handoff, ecam)
  ACPIInstall.copyTables(handoff)
  Serial.line("guestfw firmware: plan applied")
  LinuxBoot.boot(e820: handoff.e820Entries, e820Count: Int(handoff.header.e820Count), rsdpAddress: handoff.header.rsdpAddress)
}

enum ChipsetSetup {
  static let mchIDs: UInt32 = 0x29C0_8086

  /// The ECAM, the BIOS area as RAM, the PM block with its SCI and the PIRQ routes; returns
  /// the ECAM, which every later config access goes through.
  static func apply(_ header: HandoffHeader) -> ECAM {
    guard let lengthCode = Q35.ecamLengthCode(buses: header.ecamBuses) else {
      Report.fatal("the plan's ECAM bus count is not 64, 128 or 256")
    }
    guard header.ecamBase < 1 << 32 else {
      Report.fatal("the plan's ECAM lies above 4 GiB, out of this 32-bit firmware's reach")
    }
    Q35.enableECAM(base: header.ecamBase, lengthCode: lengthCode)
    let ecam = ECAM(base: UInt32(truncatingIfNeeded: header.ecamBase))
    let found = ecam.read32(Q35.mch, 0)
    if found != mchIDs {
      Report.mismatch(Q35.mch)
      Serial.write("planned 8086:29c0 through the ECAM at 0x")
      Serial.hexCompact(header.ecamBase)
      Serial.write(", found 0x")
      Serial.hex(found)
      Report.halt()
    }
    Q35.mapBIOSAreaToRAM()
    guard let sci = Q35.sciSelect(irq: header.sciIRQ) else {
      Report.fatal("the plan's SCI IRQ cannot be routed by ICH9 (9-11 or 20-23)")
    }
    Q35.enableACPIPM(pmBase: header.pmBase, sciSelect: sci)
    Q35.setPIRQRoutes(header.pirqRoutes)
    return ecam
  }
}
