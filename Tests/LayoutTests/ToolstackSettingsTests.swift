import Layout
import Testing
import VMConfig

/// What `ToolstackSettings` (toolstack.json, xl.cfg) derives from a plan and its description.
@Suite("Toolstack settings")
struct ToolstackSettingsTests {
    static func settings(_ toml: String) throws -> (Plan, ToolstackSettings) {
        let config = try ConfigLoader.load(text: toml, file: "test.toml")
        let plan = try Planner.plan(config)
        return (plan, ToolstackSettings(plan: plan, config: config))
    }

    /// QEMU 7.2 has `-machine q35,max-ram-below-4g=` and q35-pcihost's `pci-hole64-size`
    /// (`qemu-system-x86_64 -device q35-pcihost,help` lists it, default 32 GiB).
    @Test func qemuPinsTheRAMSplitAndThe64BitWindow() throws {
        // The toolstack policy always has a 64-bit window (hvmloader's exists only when something goes high).
        let (plan, settings) = try Self.settings("memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\n")
        let window = try #require(plan.windows.mmio64)
        #expect(settings.qemuMachine == "q35,max-ram-below-4g=2147483648")
        #expect(settings.qemuGlobals == ["q35-pcihost.pci-hole64-size=\(window.size)"])
        #expect(settings.qemuArgs == ["-machine", "q35,max-ram-below-4g=2147483648", "-global", "q35-pcihost.pci-hole64-size=\(window.size)"])
        #expect(settings.xl.isEmpty && settings.xenstore.isEmpty && settings.ecamSpace == nil)
    }

    /// libxl always writes allow-memory-relocate = 0 with qemu-xen: a plan that relocates RAM
    /// says it cannot be had that way.
    @Test func relocationIsNotWhatLibxlAllows() throws {
        let (plan, settings) = try Self.settings("vmm = \"xen\"\nmemory = \"3840M\"\n[mmio]\nrelocate_ram = true\n")
        #expect(plan.memory.relocatedRAM > 0)
        #expect(settings.xenstore.contains { $0 == (key: "hvmloader/allow-memory-relocate", value: "0") })
        #expect(settings.notes.contains { $0.contains("allow-memory-relocate = 0") })
    }

    /// A passthrough function behind a root port cannot keep its place (Xen's virtual slots are
    /// on bus 0): the pci entry has no vslot and the reason is listed.
    @Test func passthroughBehindARootPortHasNoVirtualSlot() throws {
        let (_, settings) = try Self.settings("""
            vmm = "xen"
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[device]]
            id = "gpu0"
            bus = "rp1"
            passthrough = "0000:65:00.0"
            bars = [{ bar = 0, size = "16M", kind = "mem32" }]
            """)
        #expect(settings.xl.first { $0.key == "pci" }?.value == .list(["0000:65:00.0"]))
        #expect(settings.xlUnexpressed.contains { $0.hasPrefix("gpu0 (host 0000:65:00.0) at 01:00.0") })
        #expect(settings.xlUnexpressed.contains { $0.hasPrefix("rp1 at 00:") })
    }

    /// `[xen]`'s platform device settings reach xl.cfg, xenstore and libxl's QEMU arguments.
    @Test func platformDeviceSettings() throws {
        var config = try ConfigLoader.load(text: "vmm = \"xen\"\nmemory = \"2G\"\n[ecam]\nbuses = 64\n", file: "test.toml")
        config.xen = XenConfig(platformPCI: false, platformPCIBarUC: false)
        let plan = try Planner.plan(config)
        let settings = ToolstackSettings(plan: plan, config: config)
        #expect(settings.xl.first { $0.key == "xen_platform_pci" }?.value == .int(0))
        #expect(settings.xl.first { $0.key == "xen_platform_pci_bar_uc" }?.value == .int(0))
        #expect(settings.xenstore.contains { $0 == (key: "hvmloader/pci/xen-platform-pci-bar-uc", value: "0") })
        #expect(settings.deviceModelArgs == ["-machine", "q35,accel=xen"])
        // hvmloader's 64 MiB ECAM is one the hypercall accepts (size >> 28 == 0).
        #expect(settings.ecamSpace?.sizeAccepted == true)
        #expect(settings.ecamSpace?.caller == .hvmloader)
    }
}
