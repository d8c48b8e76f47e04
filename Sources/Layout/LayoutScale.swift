import VMConfig

/// How `LayoutSVG` turns a memory address into a y coordinate (SVG y grows downward, so higher
/// addresses are drawn higher up). One mapping per column; both columns of a comparison use the
/// same one, so equal addresses sit at equal heights. With `four` = 4 GiB = 2^32:
///
///     a <= four:  y(a) = y4G + linearHeight * (four - a) / (four - linearStart)
///     a >  four:  y(a) = y4G - logHeight * (log2(a) - 32) / (log2(logTop) - 32)
///
/// Linear from `linearStart` (drawn at `y4G + linearHeight`) up to 4 GiB, log2 from 4 GiB up to
/// `logTop` (drawn at `y4G - logHeight`). Addresses below `linearStart` are drawn at the bottom
/// edge, above `logTop` at the top edge (no resource lies above it). The SVG repeats every
/// parameter on its column group (`data-y4g`, `data-linear-start`, ...), so a reader can invert it.
public struct LayoutScale: Sendable, Hashable {
    public var linearStart: UInt64
    public var logTop: UInt64
    public var y4G: Double
    public var linearHeight: Double
    public var logHeight: Double

    public init(linearStart: UInt64, logTop: UInt64, y4G: Double, linearHeight: Double, logHeight: Double) {
        precondition(linearStart < FixedRanges.fourGiB && logTop > FixedRanges.fourGiB)
        self.linearStart = linearStart
        self.logTop = logTop
        self.y4G = y4G
        self.linearHeight = linearHeight
        self.logHeight = logHeight
    }

    /// The y of `logTop` and of `linearStart`.
    public var top: Double { y4G - logHeight }
    public var bottom: Double { y4G + linearHeight }

    public func y(_ address: UInt64) -> Double {
        let four = FixedRanges.fourGiB
        if address <= four {
            let a = max(address, linearStart)
            return y4G + linearHeight * Double(four - a) / Double(four - linearStart)
        }
        let a = min(address, logTop)
        return y4G - logHeight * (LayoutMath.log2(a) - 32) / (LayoutMath.log2(logTop) - 32)
    }

    /// Bytes per pixel on the linear part.
    public var linearBytesPerPixel: Double { Double(FixedRanges.fourGiB - linearStart) / linearHeight }
    /// Pixels per doubling on the log part.
    public var pixelsPerDoubling: Double { logHeight / (LayoutMath.log2(logTop) - 32) }

    /// The scale for these plans: linear from a little below the lowest hole start (and low RAM's
    /// end) to 4 GiB, log up to the power of two that holds everything placed above 4 GiB (8 GiB at least).
    public static func fitting(_ plans: [Plan], y4G: Double, linearHeight: Double, logHeight: Double) -> LayoutScale {
        let four = FixedRanges.fourGiB
        var lowest = four - 256 * Units.miB
        var highest = 2 * four
        for plan in plans {
            lowest = min(lowest, plan.memory.hole.start, plan.memory.lowRAMEnd)
            if let ecam = plan.ecam, ecam.base < four { lowest = min(lowest, ecam.base) }
            for range in LayoutMath.memoryRanges(plan) { highest = max(highest, range.limit) }
        }
        let margin = max(32 * Units.miB, (four - lowest) / 12)
        let linearStart = lowest > margin ? alignDown(lowest - margin, 16 * Units.miB) : 0
        return LayoutScale(linearStart: linearStart, logTop: LayoutMath.powerOfTwoAtLeast(highest), y4G: y4G,
                           linearHeight: linearHeight, logHeight: logHeight)
    }
}

/// The I/O panel's mapping: linear, 0 at `bottom`, 0x10000 at `bottom - height`.
public struct IOScale: Sendable, Hashable {
    public static let limit: UInt64 = 0x10000
    public var bottom: Double
    public var height: Double

    public func y(_ port: UInt64) -> Double { bottom - height * Double(min(port, Self.limit)) / Double(Self.limit) }
}

enum LayoutMath {
    /// log2 without Foundation: exponent plus the log of the mantissa by the atanh series
    /// (exact for powers of two, within 1e-12 otherwise; the same on every platform).
    static func log2(_ value: UInt64) -> Double {
        precondition(value > 0)
        let exponent = 63 - value.leadingZeroBitCount
        let mantissa = Double(value) / Double(UInt64(1) << exponent)
        if mantissa == 1 { return Double(exponent) }
        let z = (mantissa - 1) / (mantissa + 1)
        var term = z, sum = 0.0, n = 1.0
        let z2 = z * z
        while n < 60 {
            sum += term / n
            term *= z2
            n += 2
        }
        return Double(exponent) + 2 * sum / 0.693147180559945309417232121458176568
    }

    static func powerOfTwoAtLeast(_ value: UInt64) -> UInt64 {
        value <= 1 ? 1 : (value - 1).leadingZeroBitCount == 0 ? value : UInt64(1) << (64 - (value - 1).leadingZeroBitCount)
    }

    /// Everything of a plan in memory space that has an address.
    static func memoryRanges(_ plan: Plan) -> [AddressRange] {
        var ranges: [AddressRange] = [plan.memory.hole]
        if let high = plan.memory.highRAM { ranges.append(high) }
        if let window = plan.windows.mmio64 { ranges.append(window) }
        if let ecam = plan.ecam { ranges.append(ecam.range) }
        for function in plan.functions {
            ranges += function.bars.filter { $0.kind != .io }.compactMap(\.range)
            ranges += [function.windows?.mem, function.windows?.pref].compactMap { $0 }
        }
        return ranges
    }
}
