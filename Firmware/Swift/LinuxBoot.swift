// LinuxBoot.swift — loads what QEMU's -kernel/-initrd/-append put into fw_cfg and enters the
// kernel through Linux's 32-bit boot protocol (Documentation/arch/x86/boot.rst).
//
// QEMU has already chosen where each piece goes (for a boot protocol ≥ 2.02 kernel: setup at
// 0x10000, command line at 0x20000, kernel at 0x100000, initrd near the top of low RAM) and
// patched the setup header to match. The firmware does not second-guess those places; it only
// refuses them when the plan's e820 does not call them RAM or when they would overwrite the
// firmware while it still runs. Then it copies each piece with fw_cfg DMA and hands the kernel
// a zero page of its own, whose memory map and RSDP come from the plan rather than from QEMU.

enum LinuxBoot {
  /// e820: `e820Count` packed 20-byte entries (u64 address, u64 length, u32 type) exactly as Linux's
  /// boot_params.e820_table holds them; rsdpAddress goes to boot_params.acpi_rsdp_addr.
  static func boot(e820: UnsafeRawPointer, e820Count: Int, rsdpAddress: UInt64) -> Never {
    guard FwCfg.isPresent() else { stop("no fw_cfg device (QEMU signature missing)") }
    let kernel = LinuxPiece.announced("kernel", LinuxPiece.kernelKeys)
    if kernel.size == 0 {
      Serial.line("guestfw firmware: no kernel (start QEMU with -kernel)")
      Power.off()
    }
    guard FwCfgDMA.isAvailable() else { stop("fw_cfg has no DMA interface (FW_CFG_ID bit 1 clear)") }
    guard e820Count > 0, e820Count <= ZeroPage.e820Capacity else { refuseMemoryMap(count: e820Count) }
    let memoryMap = MemoryMap(entries: e820, count: e820Count)

    let setup = LinuxPiece.announced("setup", LinuxPiece.setupKeys)
    let initrd = LinuxPiece.announced("initrd", LinuxPiece.initrdKeys)
    let commandLine = LinuxPiece.announced("cmdline", LinuxPiece.commandLineKeys)

    // Placement is checked before anything is written: a refused plan leaves RAM untouched.
    checkPlacement("zero page", ZeroPage.range, memoryMap)
    if memoryMap.range.overlaps(ZeroPage.range) {
      refuse("e820", memoryMap.range, "overlaps the zero page", ZeroPage.range)
    }
    checkPlacement(setup, memoryMap)
    checkPlacement(kernel, memoryMap)
    checkPlacement(initrd, memoryMap)
    checkPlacement(commandLine, memoryMap)

    // The e820 is copied before the loads, so it may live anywhere the caller likes, even
    // where the initrd is about to go.
    ZeroPage.start(memoryMap: memoryMap, rsdpAddress: rsdpAddress)
    load(setup)
    let header = SetupHeader.validated(in: setup, kernel: kernel)
    load(kernel)
    load(initrd)
    load(commandLine)
    ZeroPage.finish(header: header, initrd: initrd, commandLine: commandLine)

    Serial.line("guestfw firmware: starting Linux")
    enterLinux(entry: header.code32Start, zeroPage: ZeroPage.address)
  }

  /// The firmware's .data, .bss and stack: still in use until the jump. firmware.ld decides
  /// them; Boot/layout.S hands the addresses over.
  static var firmwareMemory: PhysicalRange {
    let start = firmwareRAMStart()
    return PhysicalRange(start: UInt64(start), length: UInt64(firmwareRAMEnd() - start))
  }

  private static func checkPlacement(_ piece: LinuxPiece, _ memoryMap: MemoryMap) {
    guard piece.size > 0 else { return }
    checkPlacement(piece.name, piece.range, memoryMap)
    if piece.range.overlaps(ZeroPage.range) {
      refuse(piece.name, piece.range, "overlaps the zero page", ZeroPage.range)
    }
  }

  private static func checkPlacement(_ name: StaticString, _ range: PhysicalRange, _ memoryMap: MemoryMap) {
    if !memoryMap.hasRAM(covering: range) {
      refuse(name, range, "lies outside the planned RAM")
    }
    if range.overlaps(firmwareMemory) {
      refuse(name, range, "overlaps the firmware's own memory", firmwareMemory)
    }
  }

  private static func load(_ piece: LinuxPiece) {
    guard piece.size > 0 else { return }
    if !FwCfgDMA.read(key: piece.dataKey, length: piece.size, to: piece.address) {
      refuse(piece.name, piece.range, "could not be read through fw_cfg DMA")
    }
  }

  /// One line on COM1, e.g. "guestfw firmware: initrd [0x7f000000-0x7fffffff] lies outside the
  /// planned RAM", then a halt: nothing sensible can follow a plan that QEMU's layout breaks.
  static func refuse(
    _ name: StaticString, _ range: PhysicalRange, _ reason: StaticString, _ other: PhysicalRange? = nil
  ) -> Never {
    Serial.write("guestfw firmware: ")
    Serial.write(name)
    Serial.write(" ")
    writeRange(range)
    Serial.write(" ")
    Serial.write(reason)
    if let other {
      Serial.write(" ")
      writeRange(other)
    }
    Serial.write("\n")
    cpuHaltForever()
  }

  private static func refuseMemoryMap(count: Int) -> Never {
    Serial.write("guestfw firmware: e820 with ")
    Serial.decimal(UInt32(truncatingIfNeeded: count))
    Serial.write(" entries; the zero page holds 1 to ")
    Serial.decimal(UInt32(ZeroPage.e820Capacity))
    Serial.write("\n")
    cpuHaltForever()
  }

  static func stop(_ reason: StaticString) -> Never {
    Serial.write("guestfw firmware: ")
    Serial.line(reason)
    cpuHaltForever()
  }

  /// "[0x100000-0x8fffff]": shortest hex, inclusive end, the way e820 dumps read.
  private static func writeRange(_ range: PhysicalRange) {
    Serial.write("[")
    writeHex(range.first)
    Serial.write("-")
    writeHex(range.last)
    Serial.write("]")
  }

  static func writeHex(_ value: UInt64) {
    let high = UInt32(truncatingIfNeeded: value >> 32)
    let low = UInt32(truncatingIfNeeded: value)
    Serial.write("0x")
    if high != 0 {
      Serial.hex(high, digits: significantHexDigits(high))
      Serial.hex(low)
    } else {
      Serial.hex(low, digits: significantHexDigits(low))
    }
  }

  private static func significantHexDigits(_ value: UInt32) -> Int {
    var digits = 1
    while digits < 8 && value >> UInt32(4 * digits) != 0 { digits += 1 }
    return digits
  }
}

/// A physical address range with an inclusive end, so that one ending at 2^64 - 1 has a name.
struct PhysicalRange {
  let first: UInt64
  let last: UInt64

  /// `length` must not be 0.
  init(start: UInt64, length: UInt64) {
    first = start
    last = start &+ (length &- 1)
  }

  func overlaps(_ other: PhysicalRange) -> Bool {
    first <= other.last && other.first <= last
  }

  func lies(inside other: PhysicalRange) -> Bool {
    other.first <= first && last <= other.last
  }
}

/// The plan's e820, read in place (no heap to copy it to).
struct MemoryMap {
  let entries: UnsafeRawPointer
  let count: Int

  static let entrySize = 20
  static let ramType: UInt32 = 1

  /// Where the entries themselves are; only meaningful when count > 0.
  var range: PhysicalRange {
    PhysicalRange(start: UInt64(UInt(bitPattern: entries)), length: UInt64(count * MemoryMap.entrySize))
  }

  func entry(_ index: Int) -> (range: PhysicalRange?, type: UInt32) {
    let entry = entries + index * MemoryMap.entrySize
    let address = entry.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
    let length = entry.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    let type = entry.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    return (length == 0 ? nil : PhysicalRange(start: address, length: length), type)
  }

  /// True when one RAM entry holds all of `range`. Two adjacent RAM entries do not count: Linux
  /// keeps them apart too, and a plan that splits RAM there had a reason.
  func hasRAM(covering range: PhysicalRange) -> Bool {
    for index in 0..<count {
      let (entryRange, type) = entry(index)
      if type == MemoryMap.ramType, let entryRange, range.lies(inside: entryRange) { return true }
    }
    return false
  }
}

/// A piece QEMU hands over through fw_cfg: where it goes, its size, the key that streams it.
struct LinuxPiece {
  let name: StaticString
  let address: UInt32
  let size: UInt32
  let dataKey: UInt16

  /// fw_cfg keys (address, size, data), from QEMU's include/standard-headers/linux/qemu_fw_cfg.h.
  typealias Keys = (address: UInt16, size: UInt16, data: UInt16)
  static let kernelKeys: Keys = (0x07, 0x08, 0x11)
  static let initrdKeys: Keys = (0x0a, 0x0b, 0x12)
  static let commandLineKeys: Keys = (0x13, 0x14, 0x15)
  static let setupKeys: Keys = (0x16, 0x17, 0x18)

  /// Address and size come as little-endian u32 through the data port; only the bulk data
  /// needs DMA.
  static func announced(_ name: StaticString, _ keys: Keys) -> LinuxPiece {
    FwCfg.select(keys.address)
    let address = FwCfg.readLittleEndian32()
    FwCfg.select(keys.size)
    let size = FwCfg.readLittleEndian32()
    return LinuxPiece(name: name, address: address, size: size, dataKey: keys.data)
  }

  /// Only meaningful when size > 0.
  var range: PhysicalRange {
    PhysicalRange(start: UInt64(address), length: UInt64(size))
  }
}

/// The setup header inside the loaded setup (boot.rst, "The Real-Mode Kernel Header").
struct SetupHeader {
  let base: UnsafeRawPointer
  /// Offset just past the header: 0x202 + the byte at 0x201 (the jump over the header).
  let end: Int

  static let start = 0x1f1
  static let jumpOffsetField = 0x201
  static let jumpEnd = 0x202
  static let magicField = 0x202
  static let versionField = 0x206
  static let code32StartField = 0x214
  /// "HdrS" as a little-endian u32.
  static let magic: UInt32 = 0x5372_6448
  /// 2.02 brought cmd_line_ptr, the only way this firmware passes the command line.
  static let minimumVersion: UInt16 = 0x0202
  /// boot_params has setup_header up to here; a longer header from a newer kernel would reach
  /// into fields the firmware did not mean to set.
  static let zeroPageLimit = 0x290

  var version: UInt16 { base.loadUnaligned(fromByteOffset: SetupHeader.versionField, as: UInt16.self) }
  var code32Start: UInt32 { base.loadUnaligned(fromByteOffset: SetupHeader.code32StartField, as: UInt32.self) }

  /// The header of the loaded setup, or a stop when it is not one the 32-bit protocol can use.
  static func validated(in setup: LinuxPiece, kernel: LinuxPiece) -> SetupHeader {
    guard setup.size > UInt32(jumpOffsetField) else { LinuxBoot.stop("setup too short for a boot header") }
    let base = UnsafeRawPointer(bitPattern: UInt(setup.address))!
    let end = jumpEnd + Int(base.load(fromByteOffset: jumpOffsetField, as: UInt8.self))
    guard UInt32(end) <= setup.size, end > code32StartField + 4,
      base.loadUnaligned(fromByteOffset: magicField, as: UInt32.self) == magic
    else { LinuxBoot.stop("setup has no Linux boot header (\"HdrS\" at 0x202)") }
    let header = SetupHeader(base: base, end: min(end, zeroPageLimit))
    guard header.version >= minimumVersion else { refuseVersion(header.version) }
    let entry = PhysicalRange(start: UInt64(header.code32Start), length: 1)
    guard entry.lies(inside: kernel.range) else {
      LinuxBoot.refuse("code32_start", entry, "is not in the loaded kernel", kernel.range)
    }
    return header
  }

  private static func refuseVersion(_ version: UInt16) -> Never {
    Serial.write("guestfw firmware: boot protocol 0x")
    Serial.hex(UInt32(version), digits: 4)
    Serial.write(" is older than 0x")
    Serial.hex(UInt32(minimumVersion), digits: 4)
    Serial.write("\n")
    cpuHaltForever()
  }
}

/// boot_params (arch/x86/include/uapi/asm/bootparam.h), built fresh rather than in the setup
/// area so that nothing of the real-mode code's layout (heap, stack, QEMU's patches beyond the
/// header) leaks into it.
///
/// At 0x90000: free low RAM between the firmware's stack top (0x90000) and the EBDA (0x9fc00),
/// away from QEMU's setup (0x10000) and command line (0x20000) for any kernel the 32-bit path
/// accepts, below the two pages under the EBDA that the kernel's decompressor borrows for its
/// paging trampoline (0x9d000-0x9efff), and far from the BIOS area 0xe0000-0xfffff. Linux
/// copies boot_params and the command line before it reuses low memory.
enum ZeroPage {
  static let address: UInt32 = 0x9_0000
  static let size: UInt32 = 0x1000
  static var range: PhysicalRange { PhysicalRange(start: UInt64(address), length: UInt64(size)) }

  static let acpiRSDPAddress = 0x070
  static let e820Entries = 0x1e8
  static let typeOfLoader = 0x210
  static let ramdiskImage = 0x218
  static let ramdiskSize = 0x21c
  static let cmdLinePtr = 0x228
  static let e820Table = 0x2d0
  static let e820Capacity = 128

  /// "Undefined" loader: boot.rst asks for 0xFF when a loader has no assigned id.
  static let undefinedLoader: UInt8 = 0xFF

  /// The parts that come from the plan: a zeroed page, the e820 and the RSDP.
  static func start(memoryMap: MemoryMap, rsdpAddress: UInt64) {
    clear(page)
    copyMemoryMap(memoryMap, to: page)
    page.storeBytes(of: rsdpAddress, toByteOffset: acpiRSDPAddress, as: UInt64.self)
  }

  /// The parts that come from the loaded kernel and from where QEMU put the pieces. The header
  /// goes first: its own cmd_line_ptr and ramdisk fields are then overwritten with what was
  /// actually loaded.
  static func finish(header: SetupHeader, initrd: LinuxPiece, commandLine: LinuxPiece) {
    copyHeader(header, to: page)
    if page.load(fromByteOffset: typeOfLoader, as: UInt8.self) == 0 {
      page.storeBytes(of: undefinedLoader, toByteOffset: typeOfLoader, as: UInt8.self)
    }
    // fw_cfg addresses and sizes are 32-bit: the high halves (ext_ramdisk_image 0x0c0,
    // ext_ramdisk_size 0x0c4, ext_cmd_line_ptr 0x0c8) stay 0 from clear().
    page.storeBytes(of: commandLine.size > 0 ? commandLine.address : 0, toByteOffset: cmdLinePtr, as: UInt32.self)
    page.storeBytes(of: initrd.size > 0 ? initrd.address : 0, toByteOffset: ramdiskImage, as: UInt32.self)
    page.storeBytes(of: initrd.size, toByteOffset: ramdiskSize, as: UInt32.self)
  }

  private static var page: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: UInt(address))! }

  private static func clear(_ page: UnsafeMutableRawPointer) {
    for offset in stride(from: 0, to: Int(size), by: 4) {
      page.storeBytes(of: UInt32(0), toByteOffset: offset, as: UInt32.self)
    }
  }

  private static func copyHeader(_ header: SetupHeader, to page: UnsafeMutableRawPointer) {
    for offset in SetupHeader.start..<header.end {
      page.storeBytes(of: header.base.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
    }
  }

  private static func copyMemoryMap(_ memoryMap: MemoryMap, to page: UnsafeMutableRawPointer) {
    let bytes = memoryMap.count * MemoryMap.entrySize
    for offset in 0..<bytes {
      let byte = memoryMap.entries.load(fromByteOffset: offset, as: UInt8.self)
      page.storeBytes(of: byte, toByteOffset: e820Table + offset, as: UInt8.self)
    }
    page.storeBytes(of: UInt8(memoryMap.count), toByteOffset: e820Entries, as: UInt8.self)
  }
}

@_extern(c, "firmware_ram_start") private func firmwareRAMStart() -> UInt32
@_extern(c, "firmware_ram_end") private func firmwareRAMEnd() -> UInt32
@_extern(c, "linux_enter_32") private func linuxEnter32(_ entry: UInt32, _ zeroPage: UInt32)

/// Boot/linux.S never returns; C cannot say so (@_extern(c) rejects `Never`), hence the halt.
private func enterLinux(entry: UInt32, zeroPage: UInt32) -> Never {
  linuxEnter32(entry, zeroPage)
  cpuHaltForever()
}
