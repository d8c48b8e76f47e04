import Layout
import VMConfig

/// The QEMU command line whose machine matches a plan: memory, vCPUs, every root port at its
/// planned address with its chassis, slot and reservation, every device behind it (host devices
/// as vfio-pci, or the models standing in for them: `QEMUEndpoints.swift`). QEMU places nothing
/// itself (every `-device` has its `bus` and `addr`), so the firmware finds what it planned.
struct QEMUCommandLine {
    var arguments: [String] = []
    let hostDevices: HostDevices

    struct Refusal: Error { var message: String }

    /// How host devices (`host = ...`) appear on the line.
    enum HostDevices {
        /// `vfio-pci,host=...`: the host function itself, as a user runs the VM.
        case passthrough
        /// The catalog model with the host function's identity and BARs (`StandIn`), to boot
        /// the plan without the hardware.
        case standIn
    }

    init(config: MachineConfig, plan: Plan, firmware: String, kernel: String?, initrd: String?, append: String?,
         hostDevices: HostDevices = .passthrough) throws(Refusal) {
        guard config.vmm == .qemu else {
            throw Refusal(message: "vmm = \"xen\": qemu-args runs QEMU's own q35 machine, which follows vmm = \"qemu\" rules; accepted: a description with vmm = \"qemu\"")
        }
        if let device = config.devices.first(where: { $0.model == nil && $0.hostModel == nil }) {
            throw Refusal(message: "device \"\(device.id)\" is passthrough\(device.passthrough.map { " (\($0))" } ?? "") with explicit bars: QEMU cannot emulate a device described only by its BARs, and its ids and the other functions of its slot are unknown for a vfio-pci line; accepted: catalog models (\(DeviceCatalog.endpointModels.joined(separator: ", "))), or host = \"DDDD:BB:DD.F\" for a host device (read from sysfs, passed with vfio-pci)")
        }
        self.hostDevices = hostDevices
        var machine = "q35"
        if config.mmio.hole != nil { machine += ",max-ram-below-4g=\(plan.memory.maxRAMBelow4G)" }
        arguments = ["qemu-system-x86_64", "-machine", machine, "-accel", "tcg", "-m", "\(config.memory >> 20)M",
                     "-smp", String(config.vcpus), "-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio",
                     "-bios", firmware,
                     // The DSDT grants native PCIe hot-plug through _OSC; QEMU must then not hide the
                     // ports' hot-plug capability behind its own ACPI hot-plug.
                     "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"]
        if let kernel { arguments += ["-kernel", kernel] }
        if let initrd { arguments += ["-initrd", initrd] }
        if let append { arguments += ["-append", append] }
        let multifunctionSlots = Self.multifunctionSlots(plan)
        for function in plan.functions where function.kind != .chipset {
            arguments += try device(function, config: config, plan: plan, multifunction: multifunctionSlots)
        }
    }

    /// Bus and device numbers with more than one function: QEMU wants `multifunction=on` on function 0.
    static func multifunctionSlots(_ plan: Plan) -> Set<[Int]> {
        var counts: [[Int]: Int] = [:]
        for function in plan.functions where function.kind != .chipset { counts[[function.bdf.bus, function.bdf.device], default: 0] += 1 }
        return Set(counts.filter { $0.value > 1 }.map(\.key))
    }

    func device(_ function: PlannedFunction, config: MachineConfig, plan: Plan, multifunction: Set<[Int]>) throws(Refusal) -> [String] {
        let parent = plan.parent(of: function)?.id ?? "pcie.0"
        var properties = ["id=\(function.id)", "bus=\(parent)",
                          "addr=0x\(String(function.bdf.device, radix: 16)).\(function.bdf.function)"]
        if function.bdf.function == 0 && multifunction.contains([function.bdf.bus, function.bdf.device]) {
            properties.append("multifunction=on")
        }
        switch function.kind {
        case .rootPort:
            properties += rootPortProperties(function, config: config)
            return ["-device", (["pcie-root-port"] + properties).joined(separator: ",")]
        case .switchDownstream:
            // xio3130-downstream has chassis, slot and hotplug but none of the reservation properties.
            let slot = function.slotNumber ?? 0
            properties += ["chassis=\(slot)", "slot=\(slot)"] + (function.hotplug ? [] : ["hotplug=off"])
            return ["-device", (["xio3130-downstream"] + properties).joined(separator: ",")]
        case .switchUpstream, .pciBridge:
            let model = function.model ?? "pcie-pci-bridge"
            // pci-bridge needs a chassis number of its own (QEMU refuses 0 and duplicates).
            if model == DeviceCatalog.pciBridge.name { properties.append("chassis_nr=\(Self.chassisNumber(function, plan: plan))") }
            return ["-device", ([model] + properties).joined(separator: ",")]
        case .hostBridge:
            return ["-device", (["pxb-pcie"] + properties + ["bus_nr=\(function.secondaryBus ?? 0)"]).joined(separator: ",")]
        case .endpoint, .chipset:
            break
        }
        guard let device = config.devices.first(where: { $0.id == function.id }) else {
            throw Refusal(message: "function \(function.id) has no device in the description")
        }
        return try endpoint(device, function, plan: plan, properties: properties)
    }

    static let diskSize = 64 << 20

    /// pci-bridge chassis numbers: after every port's slot number, in bus order.
    static func chassisNumber(_ bridge: PlannedFunction, plan: Plan) -> Int {
        let ports = plan.functions.compactMap(\.slotNumber).max() ?? 0
        let bridges = plan.functions.filter { $0.model == DeviceCatalog.pciBridge.name }
        return ports + 1 + (bridges.firstIndex { $0.bdf == bridge.bdf } ?? 0)
    }

    /// Chassis and slot from the plan's slot number; hot-plug as described; reservations passed
    /// on so QEMU's vendor capability tells the guest what the plan reserved.
    func rootPortProperties(_ port: PlannedFunction, config: MachineConfig) -> [String] {
        let slot = port.slotNumber ?? 0
        var properties = ["chassis=\(slot)", "slot=\(slot)"]
        if !port.hotplug { properties.append("hotplug=off") }
        if let reserve = config.rootPorts.first(where: { $0.id == port.id })?.reserve {
            if let buses = reserve.buses { properties.append("bus-reserve=\(buses)") }
            if let io = reserve.io { properties.append("io-reserve=\(io)") }
            if let mem = reserve.mem { properties.append("mem-reserve=\(mem)") }
            if let pref64 = reserve.pref64 { properties.append("pref64-reserve=\(pref64)") }
        }
        return properties
    }

    /// One line a POSIX shell runs as it is.
    var shellLine: String {
        arguments.map(Self.quoted).joined(separator: " ")
    }

    static func quoted(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.,=/:+@%".contains($0)) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
