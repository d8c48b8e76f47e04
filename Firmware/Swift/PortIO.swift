// PortIO.swift — x86 port I/O and hlt, which Swift cannot express: they are the assembly
// helpers of Boot/portio.S, bound here with @_extern(c) (experimental feature "Extern").

@_extern(c, "port_out8")  func portOut8(_ port: UInt16, _ value: UInt8)
@_extern(c, "port_out16") func portOut16(_ port: UInt16, _ value: UInt16)
@_extern(c, "port_out32") func portOut32(_ port: UInt16, _ value: UInt32)
@_extern(c, "port_in8")   func portIn8(_ port: UInt16) -> UInt8
@_extern(c, "port_in16")  func portIn16(_ port: UInt16) -> UInt16
@_extern(c, "port_in32")  func portIn32(_ port: UInt16) -> UInt32
@_extern(c, "cpu_halt_forever") private func cpuHaltForeverHelper()

/// Stops the CPU for good. The helper never returns, but C cannot say so (@_extern(c) rejects
/// `Never`), hence the loop around it.
func cpuHaltForever() -> Never {
  while true { cpuHaltForeverHelper() }
}
