/// The built-in VM of `guestfw build` without a CONFIG and of `make demo`, kept as the TOML a user
/// would write, so `--print-default` prints exactly what is planned.
public enum DefaultVM {
    public static let fileName = "<built-in default VM>"

    public static let toml = """
        # The built-in default VM of guestfw: a starting point for your own description.
        name = "default"
        vmm = "qemu"
        memory = "2G"
        vcpus = 2
        phys_bits = 40

        [ecam]
        policy = "hvmloader"
        buses = 256

        [[root_port]]
        id = "rp1"
        addr = "10.0"

        [[root_port]]
        id = "rp2"
        addr = "11.0"

        [[root_port]]
        id = "rp3"
        addr = "12.0"
        hotplug = true

        [[root_port]]
        id = "rp4"
        addr = "13.0"
        hotplug = true

        [[device]]
        id = "nic0"
        model = "virtio-net-pci"
        bus = "rp1"

        [[device]]
        id = "nvme0"
        model = "nvme"
        bus = "rp2"

        [[device]]
        id = "disk0"
        model = "virtio-blk-pci"
        addr = "02.0"

        """

    public static func config(policyOverride: PlacementPolicy? = nil) -> MachineConfig {
        do {
            return try ConfigLoader.load(text: toml, file: fileName, format: .toml, policyOverride: policyOverride)
        } catch {
            fatalError("the built-in default VM does not decode: \(error)")
        }
    }
}
