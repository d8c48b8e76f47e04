// Serial.swift — COM1, a 16550 UART at 0x3F8, the firmware's only output.
// Text is StaticString plus number formatting: String would need a heap.

enum Serial {
  static let base: UInt16 = 0x3F8

  // Register offsets from base (DLAB = 0 unless noted).
  private static let data: UInt16 = 0             // THR/RBR; DLL when DLAB = 1
  private static let interruptEnable: UInt16 = 1  // IER; DLM when DLAB = 1
  private static let fifoControl: UInt16 = 2      // FCR
  private static let lineControl: UInt16 = 3      // LCR
  private static let modemControl: UInt16 = 4     // MCR
  private static let lineStatus: UInt16 = 5       // LSR

  /// 115200 baud (divisor 1 of the 1.8432 MHz clock), 8N1, FIFOs on, no interrupts.
  static func initialize() {
    portOut8(base + interruptEnable, 0x00)
    portOut8(base + lineControl, 0x80)        // DLAB: the next two registers are the divisor
    portOut8(base + data, 0x01)
    portOut8(base + interruptEnable, 0x00)
    portOut8(base + lineControl, 0x03)        // 8 data bits, no parity, 1 stop bit, DLAB off
    portOut8(base + fifoControl, 0xC7)        // enable and clear FIFOs, 14-byte threshold
    portOut8(base + modemControl, 0x03)       // DTR, RTS
  }

  static func put(_ byte: UInt8) {
    // THRE (bit 5): the transmit holding register can take a byte. QEMU is always ready,
    // a real UART is not.
    while portIn8(base + lineStatus) & 0x20 == 0 {}
    portOut8(base + data, byte)
  }

  /// Writes `text`; "\n" goes out as CR LF so any terminal shows lines.
  static func write(_ text: StaticString) {
    let bytes = text.utf8Start
    for i in 0..<text.utf8CodeUnitCount {
      if bytes[i] == UInt8(ascii: "\n") { put(UInt8(ascii: "\r")) }
      put(bytes[i])
    }
  }

  static func line(_ text: StaticString) {
    write(text)
    write("\n")
  }

  /// `digits` lowercase hex digits of `value`, no prefix.
  static func hex(_ value: UInt32, digits: Int = 8) {
    var shift = (digits - 1) * 4
    while shift >= 0 {
      put(hexDigit(UInt8(truncatingIfNeeded: value >> UInt32(shift)) & 0xF))
      shift -= 4
    }
  }

  /// 16 hex digits; built from two 32-bit halves so no 64-bit helper routine is needed.
  static func hex64(_ value: UInt64) {
    hex(UInt32(truncatingIfNeeded: value >> 32))
    hex(UInt32(truncatingIfNeeded: value))
  }

  /// Hex digits of `value` without leading zeros ("0" for zero), as addresses are written in
  /// logs. Works on 32-bit halves: a variable 64-bit shift would need libgcc's __lshrdi3.
  static func hexCompact(_ value: UInt64) {
    let high = UInt32(truncatingIfNeeded: value >> 32)
    let low = UInt32(truncatingIfNeeded: value)
    if high != 0 {
      hex(high, digits: significantDigits(high))
      hex(low)
    } else {
      hex(low, digits: significantDigits(low))
    }
  }

  private static func significantDigits(_ value: UInt32) -> Int {
    var digits = 8
    while digits > 1 && (value >> UInt32(4 * (digits - 1))) & 0xF == 0 { digits -= 1 }
    return digits
  }

  static func decimal(_ value: UInt32) {
    var divisor: UInt32 = 1
    while value / divisor >= 10 { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      put(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }

  /// Writes a byte as itself when printable, as "." otherwise.
  static func char(_ byte: UInt8) {
    put(byte >= 0x20 && byte < 0x7F ? byte : UInt8(ascii: "."))
  }

  private static func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
  }
}
