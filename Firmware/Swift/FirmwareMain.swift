// FirmwareMain.swift — what the firmware does after entry32.S has set up segments, stack,
// .data and .bss. For now a spike: greet on COM1, enable the ECAM and read the chipset's ids
// through it, list QEMU's e820 from fw_cfg, then power off.

/// Where this spike puts the ECAM: QEMU's reset value of PCIEXBAR. Later the Plan decides.
let spikeECAMBase: UInt64 = 0xB000_0000

@_cdecl("firmware_main")
public func firmwareMain() {
  Serial.initialize()
  Serial.line("guestfw firmware: hello")

  Q35.enableECAM(base: spikeECAMBase, length: .buses256)
  let ecam = ECAM(base: UInt32(truncatingIfNeeded: spikeECAMBase))
  Serial.write("ecam: 0x")
  Serial.hex(ecam.base)
  Serial.line(" (256 buses)")
  printIds(ecam, Q35.mch, "mch")
  printIds(ecam, Q35.lpc, "lpc")

  printFwCfg()

  Serial.line("guestfw firmware: power off")
  Power.off()
}

/// "mch 00:00.0 8086:29c0", read through the ECAM.
func printIds(_ ecam: ECAM, _ fn: PCIFunction, _ label: StaticString) {
  let ids = ecam.read32(fn, 0)
  Serial.write(label)
  Serial.write(" ")
  Serial.hex(UInt32(fn.bus), digits: 2)
  Serial.write(":")
  Serial.hex(UInt32(fn.device), digits: 2)
  Serial.write(".")
  Serial.hex(UInt32(fn.function), digits: 1)
  Serial.write(" ")
  Serial.hex(ids & 0xFFFF, digits: 4)
  Serial.write(":")
  Serial.hex(ids >> 16, digits: 4)
  Serial.write("\n")
}

func printFwCfg() {
  guard FwCfg.isPresent() else {
    Serial.line("fw_cfg: no QEMU signature")
    return
  }
  Serial.write("fw_cfg: signature QEMU, ")
  Serial.decimal(FwCfg.fileCount())
  Serial.line(" files")

  guard let file = FwCfg.find("etc/e820") else {
    Serial.line("fw_cfg: no etc/e820")
    return
  }
  Serial.write("fw_cfg: etc/e820 size ")
  Serial.decimal(file.size)
  Serial.write(" selector 0x")
  Serial.hex(UInt32(file.selector), digits: 4)
  Serial.write("\n")

  FwCfg.select(file.selector)
  var remaining = file.size / E820.entrySize
  while remaining > 0 {
    let entry = E820.readEntry()
    Serial.write("e820: 0x")
    Serial.hex64(entry.address)
    Serial.write("-0x")
    Serial.hex64(entry.address &+ entry.length &- 1)
    Serial.write(" ")
    Serial.write(E820.typeName(entry.type))
    Serial.write("\n")
    remaining -= 1
  }
}
