// ACPIInstall.swift — the tables guestfw encoded, copied from the ROM to the RAM the plan gave
// them (the RSDP into 0xE0000-0xFFFFF, which Q35.mapBIOSAreaToRAM made writable first).

enum ACPIInstall {
  static func copyTables(_ handoff: Handoff) {
    var i = 0
    while i < Int(handoff.header.tableCount) {
      let table = handoff.table(i)
      let destination = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: table.address))!
      destination.copyMemory(from: handoff.tableBytes(table), byteCount: Int(table.length))
      i += 1
    }
  }
}
