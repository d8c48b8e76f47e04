// PCIConfig.swift — PCI configuration space through the legacy 0xCF8/0xCFC mechanism, the
// firmware's only way to it. It works from reset and wherever the plan puts the ECAM (above
// 4 GiB too), and reaches the first 256 bytes of a function: everything the firmware checks and
// programs (ids, header, BARs, bridge windows, chipset registers) lies there.

struct PCIFunction {
  let bus: UInt8
  let device: UInt8
  let function: UInt8

  init(bus: UInt8 = 0, device: UInt8, function: UInt8 = 0) {
    self.bus = bus
    self.device = device
    self.function = function
  }
}

enum LegacyPCIConfig {
  private static let addressPort: UInt16 = 0xCF8
  private static let dataPort: UInt16 = 0xCFC

  /// Selects the dword holding `offset`: enable bit 31, bus, device, function, dword-aligned register.
  private static func select(_ fn: PCIFunction, _ offset: UInt8) {
    let address: UInt32 = 0x8000_0000
      | UInt32(fn.bus) << 16
      | UInt32(fn.device & 0x1F) << 11
      | UInt32(fn.function & 0x7) << 8
      | UInt32(offset & 0xFC)
    portOut32(addressPort, address)
  }

  static func read32(_ fn: PCIFunction, _ offset: UInt8) -> UInt32 {
    select(fn, offset)
    return portIn32(dataPort)
  }

  static func write32(_ fn: PCIFunction, _ offset: UInt8, _ value: UInt32) {
    select(fn, offset)
    portOut32(dataPort, value)
  }

  static func read8(_ fn: PCIFunction, _ offset: UInt8) -> UInt8 {
    select(fn, offset)
    return portIn8(dataPort + UInt16(offset & 3))
  }

  /// A byte write touches only that byte: neighbouring registers keep their value.
  static func write8(_ fn: PCIFunction, _ offset: UInt8, _ value: UInt8) {
    select(fn, offset)
    portOut8(dataPort + UInt16(offset & 3), value)
  }
}
