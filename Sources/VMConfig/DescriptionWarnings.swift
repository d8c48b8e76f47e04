extension MachineConfig {
    /// What a valid description asks for that the guest will not keep as planned, one sentence
    /// each; the planner adds them to the plan's warnings.
    public var descriptionWarnings: [String] {
        let ports = rootPorts.map { ("root port", $0.id, $0.hotplug, $0.reserve) }
            + switches.flatMap { $0.downstream.map { ("downstream port", $0.id, $0.hotplug, $0.reserve) } }
        return ports.filter { $0.2 && $0.3.io == 0 }.map { kind, id, _, _ in
            "\(kind) \(id) is hot-pluggable with reserve.io = \"0\": the plan gives it no I/O window, and Linux opens one on it itself (\"bridge window [io ...]: assigned\", 4K from the free I/O space) when it enumerates the port"
        }
    }
}
