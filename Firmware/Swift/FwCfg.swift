// FwCfg.swift — QEMU's firmware configuration device through its I/O ports: a 16-bit selector
// at 0x510 picks an item, whose bytes are then read one by one from 0x511. Good for small
// items (signature, directory, e820); the kernel and initrd will need the DMA interface.

enum FwCfg {
  private static let selectorPort: UInt16 = 0x510
  private static let dataPort: UInt16 = 0x511

  enum Key {
    static let signature: UInt16 = 0x0000
    static let id: UInt16 = 0x0001
    static let fileDirectory: UInt16 = 0x0019
  }

  /// An entry of the file directory.
  struct File {
    let selector: UInt16
    let size: UInt32
  }

  /// Length of the name field of a directory entry (NUL-padded).
  static let nameLength = 56

  /// Selects `key`; reading starts again at its first byte.
  static func select(_ key: UInt16) {
    portOut16(selectorPort, key)
  }

  static func readByte() -> UInt8 {
    portIn8(dataPort)
  }

  static func skip(_ count: Int) {
    for _ in 0..<count { _ = readByte() }
  }

  /// The directory and its entries are big-endian.
  static func readBigEndian32() -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 { value = value << 8 | UInt32(readByte()) }
    return value
  }

  static func readBigEndian16() -> UInt16 {
    let high = UInt16(readByte())
    return high << 8 | UInt16(readByte())
  }

  /// Items such as etc/e820 hold little-endian guest structures.
  static func readLittleEndian32() -> UInt32 {
    var value: UInt32 = 0
    for i in 0..<4 { value |= UInt32(readByte()) << UInt32(8 * i) }
    return value
  }

  static func readLittleEndian64() -> UInt64 {
    let low = UInt64(readLittleEndian32())
    return UInt64(readLittleEndian32()) << 32 | low
  }

  /// True when the device answers with "QEMU" at key 0.
  static func isPresent() -> Bool {
    select(Key.signature)
    return readByte() == UInt8(ascii: "Q") && readByte() == UInt8(ascii: "E")
      && readByte() == UInt8(ascii: "M") && readByte() == UInt8(ascii: "U")
  }

  /// The number of files in the directory.
  static func fileCount() -> UInt32 {
    select(Key.fileDirectory)
    return readBigEndian32()
  }

  /// Looks `name` up in the file directory: u32 count, then per file u32 size, u16 select,
  /// u16 reserved and a 56-byte name, all big-endian. Names are compared as they stream by,
  /// so no buffer is needed.
  static func find(_ name: StaticString) -> File? {
    let wanted = name.utf8Start
    let wantedLength = name.utf8CodeUnitCount
    let count = fileCount()
    var index: UInt32 = 0
    while index < count {
      let size = readBigEndian32()
      let selector = readBigEndian16()
      _ = readBigEndian16()
      var matches = true
      for i in 0..<nameLength {
        let expected: UInt8 = i < wantedLength ? wanted[i] : 0
        if readByte() != expected { matches = false }
      }
      if matches { return File(selector: selector, size: size) }
      index += 1
    }
    return nil
  }
}
