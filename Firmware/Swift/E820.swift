// E820.swift — the memory map QEMU publishes as fw_cfg file "etc/e820": packed little-endian
// entries of u64 address, u64 length, u32 type, as the BIOS E820 call returns them.

enum E820 {
  static let entrySize: UInt32 = 20

  struct Entry {
    let address: UInt64
    let length: UInt64
    let type: UInt32
  }

  /// Reads the next entry of a selected etc/e820.
  static func readEntry() -> Entry {
    let address = FwCfg.readLittleEndian64()
    let length = FwCfg.readLittleEndian64()
    let type = FwCfg.readLittleEndian32()
    return Entry(address: address, length: length, type: type)
  }

  static func typeName(_ type: UInt32) -> StaticString {
    switch type {
    case 1: return "ram"
    case 2: return "reserved"
    case 3: return "acpi"
    case 4: return "nvs"
    case 5: return "unusable"
    default: return "other"
    }
  }
}
