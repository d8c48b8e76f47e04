// MemoryCheck.swift — QEMU's RAM (fw_cfg etc/e820) must be the RAM the plan laid out: a VM
// started with other -m or max-ram-below-4g values would put RAM where the plan put PCI.

enum MemoryCheck {
  private static let ramType: UInt32 = 1

  static func verify(_ handoff: Handoff) {
    guard let file = FwCfg.find("etc/e820") else {
      Report.fatal("QEMU publishes no etc/e820, so the planned RAM cannot be checked")
    }
    FwCfg.select(file.selector)
    let count = file.size / E820.entrySize
    let plannedCount = Int(handoff.header.ramCount)
    var ramSeen = 0
    var index: UInt32 = 0
    while index < count {
      let entry = E820.readEntry()
      index += 1
      guard entry.type == ramType else { continue }
      if ramSeen >= plannedCount {
        mismatchStart()
        Serial.write("planned no more RAM, QEMU has ")
        Report.range(entry.address, length: entry.length)
        Report.halt()
      }
      let planned = handoff.ramRange(ramSeen)
      if planned.address != entry.address || planned.length != entry.length {
        mismatchStart()
        Serial.write("planned ")
        Report.range(planned.address, length: planned.length)
        Serial.write(", QEMU has ")
        Report.range(entry.address, length: entry.length)
        Report.halt()
      }
      ramSeen += 1
    }
    if ramSeen < plannedCount {
      let planned = handoff.ramRange(ramSeen)
      mismatchStart()
      Serial.write("planned ")
      Report.range(planned.address, length: planned.length)
      Serial.write(", QEMU has no such RAM")
      Report.halt()
    }
  }

  private static func mismatchStart() {
    Report.begin("mismatch in RAM: ")
  }
}
