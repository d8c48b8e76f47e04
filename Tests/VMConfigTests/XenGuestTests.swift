import Testing
import VMConfig

/// `[xen]` and the devices libxl adds to a Xen HVM guest (`MachineConfig.xenGuestDevices`).
@Suite("Xen guest devices") struct XenGuestTests: DescriptionDecoding {
    static let m: UInt64 = 1 << 20


    static let xen = "vmm = \"xen\"\nmemory = \"2G\"\n"

    // MARK: - Defaults

    @Test("no [xen] table: libxl's defaults (platform device, cirrus with 8 MiB, BAR UC)")
    func defaults() throws {
        let config = try load(Self.xen)
        #expect(config.xen == XenConfig(platformPCI: true, platformPCIBarUC: true, vga: .cirrus, videoram: 8 * Self.m))
        #expect(config.xenGuestDevices == [
            Device(id: "xen-platform", model: "xen-platform", addr: SlotAddress(device: 2, function: 0)),
            Device(id: "vga", model: "cirrus-vga", addr: SlotAddress(device: 3, function: 0), size: 8 * Self.m),
        ])
        // An empty table is the same.
        #expect(try load(Self.xen + "[xen]\n").xen == config.xen)
    }

    @Test("the defaults follow the card: stdvga 16 MiB, cirrus 8 MiB, none 0")
    func videoramDefaults() throws {
        for (vga, videoram) in [("stdvga", 16 * Self.m), ("cirrus", 8 * Self.m), ("none", UInt64(0))] {
            let config = try load(Self.xen + "[xen]\nvga = \"\(vga)\"\n")
            #expect(config.xen.vga.rawValue == vga)
            #expect(config.xen.videoram == videoram, "vga = \(vga)")
        }
    }

    @Test("a QEMU guest gets none of them")
    func qemuGuest() throws {
        let config = try load("memory = \"2G\"\n")
        #expect(config.vmm == .qemu)
        #expect(config.xenGuestDevices.isEmpty)
    }

    // MARK: - xenGuestDevices per card

    @Test("stdvga: QEMU's VGA at 03.0, BAR0 as large as videoram (rounded up to a power of two)")
    func stdvga() throws {
        let config = try load(Self.xen + "[xen]\nvga = \"stdvga\"\nvideoram = \"24M\"\n")
        let devices = config.xenGuestDevices
        #expect(devices.map(\.id) == ["xen-platform", "vga"])
        let vga = try #require(devices.last)
        #expect(vga == Device(id: "vga", model: "VGA", addr: SlotAddress(device: 3, function: 0), size: 24 * Self.m))
        let model = try #require(vga.catalogModel)
        #expect(model.vendorID == 0x1234 && model.deviceID == 0x1111)
        #expect(vga.effectiveBARs.first { $0.index == 0 } == BARSpec(index: 0, kind: .mem32, size: 32 * Self.m, prefetchable: true))
        #expect(vga.effectiveBARs.contains(BARSpec(index: 2, kind: .mem32, size: 0x1000)))
    }

    @Test("cirrus: cirrus-vga at 03.0 with its 32 MiB BAR0 whatever the videoram")
    func cirrus() throws {
        let config = try load(Self.xen + "[xen]\nvga = \"cirrus\"\nvideoram = \"16M\"\n")
        let vga = try #require(config.xenGuestDevices.last)
        #expect(vga == Device(id: "vga", model: "cirrus-vga", addr: SlotAddress(device: 3, function: 0), size: 16 * Self.m))
        let model = try #require(vga.catalogModel)
        #expect(model.vendorID == 0x1013 && model.deviceID == 0x00b8 && model.classCode == 0x030000)
        #expect(model.bars.first { $0.index == 0 } == BARSpec(index: 0, kind: .mem32, size: 32 * Self.m, prefetchable: true))
        #expect(model.bars.contains(BARSpec(index: 1, kind: .mem32, size: 0x1000)))
    }

    @Test("vga = none: the platform device alone")
    func noVGA() throws {
        let config = try load(Self.xen + "[xen]\nvga = \"none\"\n")
        #expect(config.xenGuestDevices == [
            Device(id: "xen-platform", model: "xen-platform", addr: SlotAddress(device: 2, function: 0)),
        ])
        let platform = try #require(config.xenGuestDevices.first?.catalogModel)
        #expect(platform.vendorID == 0x5853 && platform.deviceID == 0x0001 && platform.interruptPin == 1)
    }

    @Test("platform_pci = false: no platform device, the VGA moves up to 02.0")
    func noPlatform() throws {
        let config = try load(Self.xen + "[xen]\nplatform_pci = false\nvga = \"stdvga\"\n")
        #expect(config.xen.platformPCI == false)
        #expect(config.xenGuestDevices == [
            Device(id: "vga", model: "VGA", addr: SlotAddress(device: 2, function: 0), size: 16 * Self.m),
        ])
        let neither = try load(Self.xen + "[xen]\nplatform_pci = false\nvga = \"none\"\n")
        #expect(neither.xenGuestDevices.isEmpty)
    }

    @Test("platform_pci_bar_uc = false is kept for the planner")
    func barUC() throws {
        let config = try load(Self.xen + "[xen]\nplatform_pci_bar_uc = false\n")
        #expect(config.xen.platformPCIBarUC == false)
        #expect(config.xen.platformPCI == true)
    }

    @Test("JSON takes the same keys")
    func json() throws {
        let config = try load("""
            { "vmm": "xen", "memory": "2G",
              "xen": { "platform_pci": true, "platform_pci_bar_uc": false, "vga": "stdvga", "videoram": "64M" } }
            """, file: "vm.json")
        #expect(config.xen == XenConfig(platformPCI: true, platformPCIBarUC: false, vga: .stdvga, videoram: 64 * Self.m))
        #expect(errors("{ \"vmm\": \"xen\", \"memory\": \"2G\", \"xen\": { \"vga\": \"qxl2\" } }", file: "vm.json") == [
            "vm.json:1: xen.vga = \"qxl2\": is not a known value; accepted: \"stdvga\" or \"cirrus\" or \"none\"",
        ])
    }

    @Test("the built-in default VM still decodes (a QEMU guest without [xen])")
    func defaultVM() {
        let config = DefaultVM.config()
        #expect(config.vmm == .qemu)
        #expect(config.xenGuestDevices.isEmpty)
    }

    // MARK: - Refused values, with the exact message

    struct Bad: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var message: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "platform_pci not a boolean", text: xen + "[xen]\nplatform_pci = \"yes\"\n",
            message: "vm.toml:4: xen.platform_pci = \"yes\": must be a boolean, not a string; accepted: true or false"),
        Bad(name: "platform_pci_bar_uc not a boolean", text: xen + "[xen]\nplatform_pci_bar_uc = 1\n",
            message: "vm.toml:4: xen.platform_pci_bar_uc = 1: must be a boolean, not an integer; accepted: true or false"),
        Bad(name: "unknown vga", text: xen + "[xen]\nvga = \"qxl2\"\n",
            message: "vm.toml:4: xen.vga = \"qxl2\": is not a known value; accepted: \"stdvga\" or \"cirrus\" or \"none\""),
        Bad(name: "vga not a string", text: xen + "[xen]\nvga = true\n",
            message: "vm.toml:4: xen.vga = true: must be a string, not a boolean; accepted: \"stdvga\" or \"cirrus\" or \"none\""),
        Bad(name: "videoram below cirrus' minimum (the default card)", text: xen + "[xen]\nvideoram = \"4M\"\n",
            message: "vm.toml:4: xen.videoram = \"4M\": is below libxl's minimum for vga = \"cirrus\" (libxl's default): 8M; accepted: \"8M\" or \"16M\" with vga = \"cirrus\" (libxl's default)"),
        Bad(name: "videoram below stdvga's minimum", text: xen + "[xen]\nvga = \"stdvga\"\nvideoram = \"8M\"\n",
            message: "vm.toml:5: xen.videoram = \"8M\": is below libxl's minimum for vga = \"stdvga\": 16M; accepted: a multiple of 1M from 16M to 512M with vga = \"stdvga\""),
        Bad(name: "videoram above what VGA holds", text: xen + "[xen]\nvga = \"stdvga\"\nvideoram = \"1G\"\n",
            message: "vm.toml:5: xen.videoram = \"1G\": is more than QEMU's VGA holds (it clamps vgamem_mb to 512); accepted: a multiple of 1M from 16M to 512M with vga = \"stdvga\""),
        Bad(name: "videoram cirrus-vga refuses", text: xen + "[xen]\nvga = \"cirrus\"\nvideoram = \"32M\"\n",
            message: "vm.toml:5: xen.videoram = \"32M\": is not a video memory size QEMU's cirrus-vga accepts (vgamem_mb 4, 8 or 16; libxl's minimum is 8); accepted: \"8M\" or \"16M\" with vga = \"cirrus\""),
        Bad(name: "videoram not whole MiB", text: xen + "[xen]\nvga = \"stdvga\"\nvideoram = \"16400K\"\n",
            message: "vm.toml:5: xen.videoram = \"16400K\": is not a whole number of MiB (xl.cfg's videoram is in MB); accepted: a multiple of 1M from 16M to 512M with vga = \"stdvga\""),
        Bad(name: "videoram not a size", text: xen + "[xen]\nvga = \"stdvga\"\nvideoram = \"lots\"\n",
            message: "vm.toml:5: xen.videoram = \"lots\": is not a size or address (write e.g. \"2G\", \"512K\", \"0xB0000000\"); accepted: a multiple of 1M from 16M to 512M with vga = \"stdvga\""),
        Bad(name: "videoram without a card", text: xen + "[xen]\nvga = \"none\"\nvideoram = \"16M\"\n",
            message: "vm.toml:5: xen.videoram = \"16M\": there is no emulated graphics card to hold video memory; accepted: no videoram with vga = \"none\""),
        Bad(name: "unknown key in [xen]", text: xen + "[xen]\nvgaa = \"stdvga\"\n",
            message: "vm.toml:4: xen.vgaa: unknown key; accepted: did you mean \"vga\"? the keys platform_pci, platform_pci_bar_uc, vga, videoram"),
        Bad(name: "[xen] on a QEMU guest", text: "memory = \"2G\"\n\n[xen]\nvga = \"stdvga\"\n",
            message: "vm.toml:3: xen = {...}: describes the devices libxl adds to a Xen guest, and this is a QEMU guest; accepted: a [xen] table only with vmm = \"xen\""),
        Bad(name: "[xen] on an explicit QEMU guest", text: "vmm = \"qemu\"\nmemory = \"2G\"\nxen = { platform_pci = false }\n",
            message: "vm.toml:3: xen = {...}: describes the devices libxl adds to a Xen guest, and this is a QEMU guest; accepted: a [xen] table only with vmm = \"xen\""),
        Bad(name: "device on the platform device's slot", text: xen + "[[device]]\nid = \"d\"\nmodel = \"nvme\"\naddr = \"02.0\"\n",
            message: "vm.toml:6: device[0].addr = \"02.0\": slot 02 is held by the Xen platform device \"xen-platform\" (xen-platform), which libxl's QEMU puts at 02.0; accepted: a device from 01 to 1e other than 02, 03"),
        Bad(name: "root port on the VGA's slot, another function", text: xen + "[[root_port]]\nid = \"rp1\"\naddr = \"03.1\"\n",
            message: "vm.toml:5: root_port[0].addr = \"03.1\": slot 03 is held by the emulated VGA \"vga\" (cirrus-vga), which libxl's QEMU puts at 03.0; accepted: a device from 01 to 1e other than 02, 03"),
        Bad(name: "without the platform device the VGA holds 02", text: xen + "[xen]\nplatform_pci = false\nvga = \"stdvga\"\n[[device]]\nid = \"d\"\nmodel = \"nvme\"\naddr = \"02.0\"\n",
            message: "vm.toml:9: device[0].addr = \"02.0\": slot 02 is held by the emulated VGA \"vga\" (VGA), which libxl's QEMU puts at 02.0; accepted: a device from 01 to 1e other than 02"),
        Bad(name: "a user id that is libxl's", text: xen + "[[device]]\nid = \"vga\"\nmodel = \"nvme\"\n",
            message: "vm.toml:4: device[0].id = \"vga\": is the id of the emulated VGA \"vga\" (cirrus-vga), which libxl adds to every such Xen guest (the plan lists it by that id); accepted: an id other than xen-platform, vga"),
    ]

    @Test("refused with the exact message", arguments: bad)
    func refused(_ bad: Bad) {
        #expect(errors(bad.text) == [bad.message])
    }

    @Test("the slots are free again on a QEMU guest, and on a Xen guest without those devices")
    func slotsFreeWithoutTheDevices() throws {
        let device = "[[device]]\nid = \"d\"\nmodel = \"nvme\"\naddr = \"02.0\"\n"
        _ = try load("memory = \"2G\"\n" + device)
        _ = try load(Self.xen + "[xen]\nplatform_pci = false\nvga = \"none\"\n" + device)
        // With the platform device only, 03 is free.
        _ = try load(Self.xen + "[xen]\nvga = \"none\"\n" + device.replacingOccurrences(of: "02.0", with: "03.0"))
    }

    @Test("bus 0 capacity counts the slots libxl's devices hold")
    func capacity() throws {
        func devices(_ count: Int) -> String {
            (0..<count).map { "[[device]]\nid = \"d\($0)\"\nmodel = \"nvme\"\n" }.joined()
        }
        // 30 slots of 8 functions, less slots 02 and 03: 224 integrated endpoints fit.
        _ = try load(Self.xen + devices(224))
        #expect(errors(Self.xen + devices(225)) == [
            "vm.toml: device[224]: 0 root ports and 225 integrated devices need 225 bus 0 addresses; bus 0 has 224 (slots 01-1e, 8 functions each, less slots 02 and 03 held by libxl's xen-platform and vga); accepted: at most 224 root ports and integrated endpoints together",
        ])
        // The same description is fine for QEMU, which has 240.
        _ = try load("memory = \"2G\"\n" + devices(225))
    }
}
