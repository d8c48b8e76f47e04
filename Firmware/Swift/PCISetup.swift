// PCISetup.swift — every planned function, checked against what the machine has and then
// programmed exactly as planned. Functions come sorted by bus, so a root port's buses are
// numbered before the firmware looks behind it.

enum PCISetup {
  private static let headerTypeRegister: UInt8 = 0x0C   // byte 2 of this dword
  private static let interruptRegister: UInt8 = 0x3C    // line (byte 0), pin (byte 1)

  static func apply(_ handoff: Handoff) {
    var i = 0
    while i < Int(handoff.header.functionCount) {
      let planned = handoff.function(i)
      let fn = PCIFunction(bus: planned.bus, device: planned.device, function: planned.function)
      // Nothing decodes while BARs are sized and moved; the command register is written last.
      LegacyPCIConfig.write32(fn, BARProbe.commandRegister, 0)
      verifyIdentity(fn, planned)
      verifyBARs(handoff, fn, planned)
      if planned.kind == HandoffFunction.kindBridge { BridgeSetup.program(fn, planned) }
      programBARs(handoff, fn, planned)
      let interrupt = LegacyPCIConfig.read32(fn, interruptRegister)
      LegacyPCIConfig.write32(fn, interruptRegister, interrupt & 0xFFFF_FF00 | UInt32(planned.interruptLine))
      LegacyPCIConfig.write32(fn, BARProbe.commandRegister, UInt32(planned.command))
      i += 1
    }
  }

  static func isBridge(_ planned: HandoffFunction) -> Bool { planned.kind == HandoffFunction.kindBridge }

  private static func verifyIdentity(_ fn: PCIFunction, _ planned: HandoffFunction) {
    let ids = LegacyPCIConfig.read32(fn, 0)
    let vendor = UInt16(truncatingIfNeeded: ids)
    let device = UInt16(truncatingIfNeeded: ids >> 16)
    if vendor == 0xFFFF {
      Report.mismatch(fn)
      plannedIDs(planned)
      Serial.write(", found no function")
      Report.halt()
    }
    // Vendor 0 in the plan: a passthrough device whose ids only the host knows.
    if planned.vendorID != 0 && (vendor != planned.vendorID || device != planned.deviceID) {
      Report.mismatch(fn)
      plannedIDs(planned)
      Serial.write(", found ")
      Serial.hex(UInt32(vendor), digits: 4)
      Serial.write(":")
      Serial.hex(UInt32(device), digits: 4)
      Report.halt()
    }
    let headerType = (LegacyPCIConfig.read32(fn, headerTypeRegister) >> 16) & 0x7F
    let plannedType: UInt32 = isBridge(planned) ? 1 : 0
    if headerType != plannedType {
      Report.mismatch(fn)
      Serial.write("planned header type ")
      Serial.decimal(plannedType)
      Serial.write(", found header type ")
      Serial.decimal(headerType)
      Report.halt()
    }
    let pin = UInt8(truncatingIfNeeded: LegacyPCIConfig.read32(fn, interruptRegister) >> 8)
    if pin != planned.interruptPin {
      Report.mismatch(fn)
      Serial.write("planned interrupt pin ")
      Serial.decimal(UInt32(planned.interruptPin))
      Serial.write(", found pin ")
      Serial.decimal(UInt32(pin))
      Report.halt()
    }
  }

  private static func plannedIDs(_ planned: HandoffFunction) {
    Serial.write("planned ")
    Serial.hex(UInt32(planned.vendorID), digits: 4)
    Serial.write(":")
    Serial.hex(UInt32(planned.deviceID), digits: 4)
  }

  /// Every planned BAR must size to its planned kind and size, and every slot the plan does not
  /// use must be empty: a device with an extra BAR is not the device that was planned.
  private static func verifyBARs(_ handoff: Handoff, _ fn: PCIFunction, _ planned: HandoffFunction) {
    var b = 0
    while b < Int(planned.barCount) {
      let bar = handoff.bar(Int(planned.firstBAR) + b)
      let found = BARProbe.probe(fn, slot: bar.slot, bridge: isBridge(planned))
      if found.size != bar.size || found.kind != bar.kind || found.prefetchable != (bar.prefetchable != 0) {
        Report.mismatch(fn)
        slotName(bar.slot)
        Serial.write(" planned ")
        describe(kind: bar.kind, prefetchable: bar.prefetchable != 0, size: bar.size)
        Serial.write(", found ")
        describe(kind: found.kind, prefetchable: found.prefetchable, size: found.size)
        Report.halt()
      }
      b += 1
    }
    // A bridge's header has BARs 0-1 only; its later dwords are bus numbers and windows.
    let slotCount: UInt8 = isBridge(planned) ? 2 : 6
    var slot: UInt8 = 0
    while slot <= HandoffBAR.romSlot {
      if (slot < slotCount || slot == HandoffBAR.romSlot) && planned.usedSlots & (1 << slot) == 0 {
        let found = BARProbe.probe(fn, slot: slot, bridge: isBridge(planned))
        if found.size != 0 {
          Report.mismatch(fn)
          slotName(slot)
          Serial.write(" planned unused, found ")
          describe(kind: found.kind, prefetchable: found.prefetchable, size: found.size)
          Report.halt()
        }
      }
      slot += 1
    }
  }

  private static func programBARs(_ handoff: Handoff, _ fn: PCIFunction, _ planned: HandoffFunction) {
    var b = 0
    while b < Int(planned.barCount) {
      let bar = handoff.bar(Int(planned.firstBAR) + b)
      BARProbe.program(fn, bar, bridge: isBridge(planned))
      let readBack = BARProbe.readAddress(fn, bar, bridge: isBridge(planned))
      if readBack != bar.address {
        Report.mismatch(fn)
        slotName(bar.slot)
        Serial.write(" planned at 0x")
        Serial.hexCompact(bar.address)
        Serial.write(", reads back 0x")
        Serial.hexCompact(readBack)
        Report.halt()
      }
      b += 1
    }
  }

  static func slotName(_ slot: UInt8) {
    if slot == HandoffBAR.romSlot {
      Serial.write("ROM")
    } else {
      Serial.write("BAR")
      Serial.decimal(UInt32(slot))
    }
  }

  /// "mem64 prefetchable size 0x4000"
  static func describe(kind: UInt8, prefetchable: Bool, size: UInt64) {
    if size == 0 {
      Serial.write("nothing")
      return
    }
    switch kind {
    case HandoffBAR.kindIO: Serial.write("io")
    case HandoffBAR.kindMem64: Serial.write("mem64")
    case HandoffBAR.kindROM: Serial.write("rom")
    default: Serial.write("mem32")
    }
    if prefetchable { Serial.write(" prefetchable") }
    Serial.write(" size 0x")
    Serial.hexCompact(size)
  }
}
