extension MachineConfig {
    /// What a valid description asks for that the guest will not keep as planned, one sentence
    /// each; the planner adds them to the plan's warnings.
    public var descriptionWarnings: [String] {
        rootPorts.filter { $0.hotplug && $0.reserve.io == 0 }.map { port in
            "root port \(port.id) is hot-pluggable with reserve.io = \"0\": the plan gives it no I/O window, and Linux opens one on it itself (\"bridge window [io ...]: assigned\", 4K from the free I/O space) when it enumerates the port"
        }
    }
}
