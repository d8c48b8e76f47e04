// FwCfgDMA.swift — fw_cfg's DMA interface (QEMU docs/specs/fw_cfg.rst, "Guest-side DMA
// Interface"): QEMU copies a whole item into guest RAM during a single port write, where the
// byte-wise data port would cost one VM exit per byte (seconds for a kernel under TCG).
//
// The guest describes the transfer in an FWCfgDmaAccess structure in RAM — u32 control, u32
// length, u64 address, all big-endian — and writes that structure's physical address to the
// big-endian address register: high half at 0x514, then low half at 0x518, whose write starts
// the transfer. QEMU clears control when done, or leaves the error bit set.

import _Volatile

enum FwCfgDMA {
  private static let addressHighPort: UInt16 = 0x514
  private static let addressLowPort: UInt16 = 0x518

  /// FW_CFG_ID (key 0x01), little-endian u32: bit 1 advertises the DMA interface.
  private static let dmaFeature: UInt32 = 1 << 1

  private enum Control {
    static let error: UInt32 = 1 << 0
    static let read: UInt32 = 1 << 1
    static let select: UInt32 = 1 << 3
    static let selectorShift: UInt32 = 16
  }

  /// The structure's size; the spec asks no alignment of it. The firmware aligns it to its
  /// size anyway, so it never straddles a page or cache line, as a real DMA engine would want.
  private static let accessSize = 16

  static func isAvailable() -> Bool {
    FwCfg.select(FwCfg.Key.id)
    return FwCfg.readLittleEndian32() & dmaFeature != 0
  }

  /// Copies the first `length` bytes of item `key` to physical `destination`. False when QEMU
  /// reports an error, e.g. a destination that is not RAM.
  static func read(key: UInt16, length: UInt32, to destination: UInt32) -> Bool {
    let control = Control.select | UInt32(key) << Control.selectorShift | Control.read
    // On the stack: firmware RAM is identity-mapped, so the stack address is the physical one.
    var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    return withUnsafeMutableBytes(of: &storage) { bytes in
      let unaligned = UInt32(UInt(bitPattern: bytes.baseAddress!))
      let access = (unaligned + UInt32(accessSize - 1)) & ~UInt32(accessSize - 1)
      return transfer(access: access, control: control, length: length, address: destination)
    }
  }

  /// Fills the structure at `access`, starts the transfer and waits for its end. Every access
  /// to the structure is volatile: QEMU reads and writes it behind the compiler's back.
  private static func transfer(access: UInt32, control: UInt32, length: UInt32, address: UInt32) -> Bool {
    store(access, control.bigEndian)
    store(access + 4, length.bigEndian)
    store(access + 8, 0)                       // address high half: RAM below 4 GiB only
    store(access + 12, address.bigEndian)

    portOut32(addressHighPort, 0)
    // outl sends %eax little-endian; the register is big-endian, hence the swap.
    portOut32(addressLowPort, access.byteSwapped)

    // QEMU 7.2 completes during the port write; the spec allows a later completion.
    while true {
      let status = UInt32(bigEndian: load(access))
      if status & Control.error != 0 { return false }
      if status == 0 { return true }
    }
  }

  private static func store(_ address: UInt32, _ value: UInt32) {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).store(value)
  }

  private static func load(_ address: UInt32) -> UInt32 {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).load()
  }
}
