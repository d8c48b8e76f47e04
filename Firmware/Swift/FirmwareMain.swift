// FirmwareMain.swift — what the firmware does after entry32.S has set up segments, stack,
// .data and .bss: apply the plan in the hand-off block, in the order the hardware needs
// (config access before devices, devices before tables), then start Linux.

@_cdecl("firmware_main")
public func firmwareMain() {
  Serial.initialize()
  Serial.line("guestfw firmware: reset")
  let handoff = Handoff.locate()
  ChipsetSetup.apply(handoff.header)
  MemoryCheck.verify(handoff)
  PCISetup.apply(handoff)
  ACPIInstall.copyTables(handoff)
  Serial.line("guestfw firmware: plan applied")
  LinuxBoot.boot(e820: handoff.e820Entries, e820Count: Int(handoff.header.e820Count), rsdpAddress: handoff.header.rsdpAddress)
}

enum ChipsetSetup {
  static let mchIDs: UInt32 = 0x29C0_8086

  /// The ECAM, the BIOS area as RAM, the PM block with its SCI and the PIRQ routes. The ECAM is
  /// for the OS: the firmware's own config access uses 0xCF8/0xCFC, so an ECAM above 4 GiB,
  /// which this 32-bit code cannot address without paging, only needs PCIEXBAR to hold it.
  static func apply(_ header: HandoffHeader) {
    guard let lengthCode = Q35.ecamLengthCode(buses: header.ecamBuses) else {
      Report.fatal("the plan's ECAM bus count is not 64, 128 or 256")
    }
    Q35.enableECAM(base: header.ecamBase, lengthCode: lengthCode)
    // What the MCH decodes (base bits 35:28, length, enable) must be the plan: this also catches
    // a base PCIEXBAR cannot hold (above 64 GiB, or not 256 MiB-aligned).
    let planned = header.ecamBase | UInt64(lengthCode << 1 | 1)
    let found = Q35.pciexbar() & (Q35.pciexbarBase | 0x7)
    if found != planned {
      Report.mismatch(Q35.mch)
      Serial.write("planned PCIEXBAR 0x")
      Serial.hexCompact(planned)
      Serial.write(", reads back 0x")
      Serial.hexCompact(found)
      Report.halt()
    }
    // A low ECAM can be read, too: the MCH's ids through it prove it decodes there.
    if header.ecamBase < 1 << 32 {
      let ids = ECAM(base: UInt32(truncatingIfNeeded: header.ecamBase)).read32(Q35.mch, 0)
      if ids != mchIDs {
        Report.mismatch(Q35.mch)
        Serial.write("planned 8086:29c0 through the ECAM at 0x")
        Serial.hexCompact(header.ecamBase)
        Serial.write(", found 0x")
        Serial.hex(ids)
        Report.halt()
      }
    }
    Q35.mapBIOSAreaToRAM()
    guard let sci = Q35.sciSelect(irq: header.sciIRQ) else {
      Report.fatal("the plan's SCI IRQ cannot be routed by ICH9 (9-11 or 20-23)")
    }
    Q35.enableACPIPM(pmBase: header.pmBase, sciSelect: sci)
    Q35.setPIRQRoutes(header.pirqRoutes)
  }
}
