// Report.swift — the firmware's one-line verdicts on COM1. A mismatch between the plan and the
// machine ends the boot: the line names what differs (a BDF and BAR, or a memory range), what
// was planned and what was found, and the CPU halts.

enum Report {
  static let prefix: StaticString = "guestfw firmware: "

  /// Starts a line "guestfw firmware: <text>"; the caller adds details, then halts or ends it.
  static func begin(_ text: StaticString) {
    Serial.write(prefix)
    Serial.write(text)
  }

  /// Starts "guestfw firmware: mismatch at bb:dd.f: ".
  static func mismatch(_ fn: PCIFunction) {
    Serial.write(prefix)
    Serial.write("mismatch at ")
    bdf(fn)
    Serial.write(": ")
  }

  static func fatal(_ text: StaticString) -> Never {
    begin(text)
    halt()
  }

  /// Ends the current line and stops for good.
  static func halt() -> Never {
    Serial.write("; halting\n")
    cpuHaltForever()
  }

  static func bdf(_ fn: PCIFunction) {
    Serial.hex(UInt32(fn.bus), digits: 2)
    Serial.write(":")
    Serial.hex(UInt32(fn.device), digits: 2)
    Serial.write(".")
    Serial.hex(UInt32(fn.function), digits: 1)
  }

  /// "[0x80000000-0x8fffffff]"
  static func range(_ start: UInt64, length: UInt64) {
    Serial.write("[0x")
    Serial.hexCompact(start)
    Serial.write("-0x")
    Serial.hexCompact(start &+ length &- 1)
    Serial.write("]")
  }
}
