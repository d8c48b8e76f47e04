import Layout
import VMConfig

/// The checks that need the description's PCIe types (checks 1-2 of issue 10): an endpoint on a
/// root bus, and a port whose parent cannot hold it. The decoder already refuses every such
/// shape a description can spell with [[switch]], [[root_port]] and [[pci_bridge]] (a switch not
/// below a root or downstream port, a device on a switch's internal bus, bridges by header
/// type 1 as host devices), so what is left to see is the PCIe type a function itself claims:
/// a host device's, read from its config space.
enum TopologyLint {
    static func check(_ config: MachineConfig, plan: Plan) -> LintReport {
        var report = LintReport()
        let bdfs = Dictionary(plan.functions.map { ($0.id, $0.bdf) }, uniquingKeysWith: { a, _ in a })
        let parents = parentKinds(config)
        let ports = config.rootPorts.filter { $0.bus == nil }.map { "\"\($0.id)\"" }
        let behindPort = ports.isEmpty ? "add a [[root_port]] and put it behind it (bus = its id)" : "put it behind a root port (bus = \(ports.joined(separator: " or ")))"
        for device in config.devices {
            let place = location(device, bdf: bdfs[device.id])
            let type = (device.catalogModel ?? device.hostModel)?.pcieType
            let parent = device.bus.map { parents[$0] ?? .rootPort } ?? .rootBus
            if let finding = endpointOnRootBus(device, type: type, parent: parent, at: place, behindPort: behindPort) {
                report.findings.append(finding)
            } else if let finding = portParent(device, type: type, parent: parent, at: place) {
                report.findings.append(finding)
            } else if parent == .rootBus && device.catalogModel == nil && device.hostModel == nil {
                report.notes.append("\(place): explicit bars give no PCI Express type, so the endpoint-on-bus-0 check cannot judge it (host = \"DDDD:BB:DD.F\" reads the type from sysfs)")
            }
        }
        return report
    }

    /// What holds a bus that a device's `bus` key names.
    enum Parent: Equatable {
        case rootBus
        case rootPort
        case downstreamPort
        case pciBridge
    }

    static func parentKinds(_ config: MachineConfig) -> [String: Parent] {
        var kinds: [String: Parent] = [:]
        for port in config.rootPorts { kinds[port.id] = .rootPort }
        for item in config.switches { for port in item.downstream { kinds[port.id] = .downstreamPort } }
        for bridge in config.pciBridges { kinds[bridge.id] = .pciBridge }
        return kinds
    }

    /// "00:05.0 (gpu0, host 0000:65:00.0)".
    static func location(_ device: Device, bdf: BDF?) -> String {
        let host = device.hostModel != nil ? device.passthrough.map { ", host \($0)" } ?? "" : ""
        return "\(bdf.map { $0.description + " " } ?? "")(\(device.id)\(host))"
    }

    /// Check 1: device/port type 0 or 1 on PCI0's bus 0.
    static func endpointOnRootBus(_ device: Device, type: PCIeType?, parent: Parent, at place: String, behindPort: String) -> LintFinding? {
        guard parent == .rootBus, let type, type == .endpoint || type == .legacyEndpoint else { return nil }
        let number = type == .endpoint ? 0 : 1
        let vfio = type == .endpoint
            ? "QEMU's vfio-pci rewrites a type-0 endpoint on its root bus to type 9 itself, Xen's passthrough does not"
            : "QEMU's vfio-pci rewrites only type 0, so this one reaches the guest as is"
        return LintFinding(
            id: "endpoint-on-bus-0", location: place,
            reason: "a PCI Express \(type == .endpoint ? "endpoint" : "legacy endpoint") (device/port type \(number)) directly on bus 0: Windows' pci.sys drops an endpoint that has no root port above it, so the device is missing in a Windows guest; only a root-complex integrated endpoint (type 9) belongs on a root bus (\(vfio))",
            fix: "\(behindPort), or have the VMM present it as a root-complex integrated endpoint (type 9)")
    }

    /// Check 2: a function claiming a port type where no such port can be.
    static func portParent(_ device: Device, type: PCIeType?, parent: Parent, at place: String) -> LintFinding? {
        let onRootBus = parent == .rootBus
        let below: String = switch parent {
        case .rootBus: "on bus 0"
        case .rootPort: "below a root port"
        case .downstreamPort: "below a switch's downstream port"
        case .pciBridge: "on a conventional PCI bus"
        }
        let fix = "pass the endpoint functions instead (host = their BDFs): a port is part of the host's tree, and the guest's ports are described with [[root_port]] and [[switch]]"
        switch type {
        case .upstreamPort? where parent != .rootPort && parent != .downstreamPort, .downstreamPort?:
            let wanted = type == .upstreamPort ? "a root port or a switch's downstream port" : "a switch's upstream port"
            return LintFinding(
                id: "switch-port-without-parent", location: place,
                reason: "the function claims to be a PCIe switch \(type == .upstreamPort ? "upstream" : "downstream") port (device/port type \(type == .upstreamPort ? 5 : 6)) with a type-0 header, \(below), where its parent must be \(wanted): Windows' pci.sys, which drops PCIe functions without a valid upstream port as it drops endpoints on a root bus, does not enumerate it, and Linux re-types only a downstream port below a root or downstream port and an upstream port below an upstream port (set_pcie_port_type: \"claims to be ... port but is acting as ... port, correcting type\"), so it keeps an impossible hierarchy for ASPM, AER and hot-plug",
                fix: fix)
        case .rootPort? where !onRootBus:
            return LintFinding(
                id: "root-port-below-port", location: place,
                reason: "the function claims to be a PCIe root port (device/port type 4) with a type-0 header, \(below): a root port sits only on a root bus, so the guest sees a root port below a port, a hierarchy Windows' pci.sys does not accept and Linux's PCIe port services (AER, PME, hot-plug) misread",
                fix: fix)
        default:
            return nil
        }
    }
}
