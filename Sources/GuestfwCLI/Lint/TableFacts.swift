import ACPI
import Layout

/// What `lint` knows of a table set: read from the FADT, the MCFG and (through acpiexec) the
/// DSDT, plus what the plan says when there is one. Pure values: the table checks run on these.
struct TableFacts: Sendable {
    /// nil when there is no FACP.
    var pm1a: (event: FADTReading.Block, control: FADTReading.Block)?
    /// nil when there is no MCFG.
    var mcfg: [MCFGReading.Allocation]?
    /// false when the set has no DSDT: the host bridge checks then cannot run.
    var hasDSDT = true
    var hostBridges: [HostBridge] = []
    /// Memory that PNP0C01/PNP0C02 devices' `_CRS` reserve, one descriptor each.
    var motherboard: [Reservation] = []
    /// The E820 map's reserved ranges, nil when no plan says what the E820 is.
    var e820Reserved: [ClosedRange<UInt64>]?
    /// Where the E820 came from, for messages ("the plan", "DIR/plan.json").
    var e820Source: String = ""
    var physBits: Int?
    /// Where phys_bits came from, for messages.
    var physBitsSource: String = ""

    /// A PNP0A08/PNP0A03 device as its objects evaluate.
    struct HostBridge: Sendable, Hashable {
        var path: String
        var uid: ACPIExec.Value?
        /// `_SEG`, 0 when absent.
        var segment: UInt64
        /// The `_CRS` bus number range; nil when `_CRS` has none.
        var buses: ClosedRange<Int>?
        /// `_BBN`, which stands for the first bus when `_CRS` has no bus range (Linux then takes
        /// [_BBN-0xff]).
        var baseBus: Int?
        /// Every memory range of `_CRS`, [minimum, maximum].
        var memory: [ClosedRange<UInt64>]

        /// The buses Linux gives the bridge: `_CRS`'s range, else [_BBN (or 0), 0xff].
        var effectiveBuses: ClosedRange<Int> { buses ?? (min(baseBus ?? 0, 0xFF)...0xFF) }
    }

    /// One memory descriptor of a motherboard resource device's `_CRS`.
    struct Reservation: Sendable, Hashable {
        var path: String
        var hid: String
        var range: ClosedRange<UInt64>
    }
}
