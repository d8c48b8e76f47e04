// Handoff.swift — finding and trusting the hand-off block guestfw wrote into this ROM.
// The records' layout is Sources/FirmwareImage/HandoffFormat.swift, compiled into this module.

@_extern(c, "handoff_locator_address") func handoffLocatorAddress() -> UnsafeRawPointer

/// The validated block: a header and typed access to its records, all read in place from ROM.
struct Handoff {
  let base: UnsafeRawPointer
  let header: HandoffHeader

  /// The block the locator points at, or a COM1 line saying why there is none and a halt:
  /// a firmware that cannot trust its plan must not guess one.
  static func locate() -> Handoff {
    let locator = HandoffLocator(HandoffCursor(reading: handoffLocatorAddress()))
    if locator.address == 0 || locator.length < UInt32(HandoffHeader.size) {
      Report.fatal("no hand-off block in this image (write it with guestfw build)")
    }
    let base = UnsafeRawPointer(bitPattern: UInt(locator.address))!
    let header = HandoffHeader(HandoffCursor(reading: base))
    if header.magic != HandoffFormat.magic { Report.fatal("hand-off block has a wrong magic number") }
    if header.version != HandoffFormat.version {
      Report.begin("hand-off block version ")
      Serial.decimal(UInt32(header.version))
      Serial.write(", this firmware reads version ")
      Serial.decimal(UInt32(HandoffFormat.version))
      Report.halt()
    }
    if header.totalSize != locator.length { Report.fatal("hand-off block length differs from its locator") }
    let checksum = HandoffFormat.crc32(base, count: Int(header.totalSize), skipping: HandoffHeader.checksumOffset)
    if checksum != header.checksum {
      Report.begin("hand-off block checksum 0x")
      Serial.hex(header.checksum)
      Serial.write(", computed 0x")
      Serial.hex(checksum)
      Report.halt()
    }
    return Handoff(base: base, header: header)
  }

  private func cursor(_ offset: UInt32, _ index: Int, _ size: Int) -> HandoffCursor {
    HandoffCursor(reading: base + Int(offset) + index * size)
  }

  func function(_ i: Int) -> HandoffFunction { HandoffFunction(cursor(header.functionsOffset, i, HandoffFunction.size)) }
  func bar(_ i: Int) -> HandoffBAR { HandoffBAR(cursor(header.barsOffset, i, HandoffBAR.size)) }
  func ramRange(_ i: Int) -> HandoffRAMRange { HandoffRAMRange(cursor(header.ramOffset, i, HandoffRAMRange.size)) }
  func table(_ i: Int) -> HandoffTable { HandoffTable(cursor(header.tablesOffset, i, HandoffTable.size)) }

  /// The E820 records already have Linux's boot_params layout: the boot path copies them as they are.
  var e820Entries: UnsafeRawPointer { base + Int(header.e820Offset) }

  func tableBytes(_ table: HandoffTable) -> UnsafeRawPointer { base + Int(table.dataOffset) }
}
