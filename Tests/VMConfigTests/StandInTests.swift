import Foundation
import Testing
import VMConfig

/// `DeviceCatalog.standIn(for:at:)`: which QEMU model stands in for a host function, and its
/// size parameter and ROM, held to the sysfs capture (the models it was captured from) and to
/// cases worked out by hand.
@Suite("Stand-ins for host functions")
struct StandInTests {
    /// The capture's QEMU line (Fixtures/sysfs/q35.qemu-cmdline.txt) plugged these models in:
    /// rp1 (bus 1) nvme, rp2 e1000e, rp3 VGA (function 0) + ich9-intel-hda (function 1), rp4
    /// ivshmem-plain over a 16G memory backend. Each captured function must find its own model.
    static let captured: [(bdf: String, model: String, size: UInt64?, rom: StandIn.ROM)] = [
        ("0000:01:00.0", "nvme", nil, .none),
        // resource line 7 of 02:00.0 spans 0x40000 bytes: efi-e1000e.rom (249856 bytes) in a
        // power-of-two BAR.
        ("0000:02:00.0", "e1000e", nil, .sized(0x40000)),
        // The description gives the shadowed ROM as 64K, which vgabios-stdvga.bin (39936 bytes) fits.
        // BAR0 is 16 MiB: vgamem_mb's default.
        ("0000:03:00.0", "VGA", 16 << 20, .sized(0x10000)),
        ("0000:03:00.1", "ich9-intel-hda", nil, .none),
        ("0000:04:00.0", "ivshmem-plain", 16 << 30, .none),
    ]

    @Test("each captured function's stand-in is the model it was captured from", arguments: captured.indices)
    func capturedFunctionsFindTheirModel(_ index: Int) throws {
        let item = Self.captured[index]
        // Each function on its own: the VGA's shadowed ROM needs rom; the audio function leaves
        // the VGA out.
        let extra = ["0000:03:00.0": "rom = \"64K\"\nfunctions = [0]", "0000:03:00.1": "functions = [1]"][item.bdf] ?? ""
        let config = try HostDeviceTests.load(HostDeviceTests.description("host = \"\(item.bdf)\"\nsysfs = \"q35\"\n" + extra))
        let host = try #require(config.devices.first?.hostModel)
        let standIn = try #require(DeviceCatalog.standIn(for: host, at: .rootPort), "\(item.bdf): \(host.identityDescription)")
        #expect(standIn == StandIn(model: item.model, size: item.size, rom: item.rom))
    }

    /// Every catalog model, presented as a host function with exactly its own identity and BARs,
    /// is stood in for by itself, with its default ROM kept at its own size.
    @Test("every catalog model stands in for itself", arguments: DeviceCatalog.endpointModels, Placement.allCases)
    func everyModelStandsInForItself(_ name: String, _ placement: Placement) throws {
        let size: UInt64? = DeviceCatalog.sizeParameters[name] == nil ? nil : 64 << 20
        var host = try #require(DeviceCatalog.model(named: name, placement: placement, size: size))
        host.name = "host 0000:65:00.0"
        let standIn = try #require(DeviceCatalog.standIn(for: host, at: placement), "\(name) at \(placement.rawValue)")
        #expect(standIn.model == name)
        #expect(standIn.size == size)
        let rom = host.bars.first { $0.index == BARSpec.romIndex }?.size
        #expect(standIn.rom == (rom.map { .sized($0) } ?? .none))
    }

    static func e1000e(rom: UInt64?) throws -> DeviceModel {
        var host = try #require(DeviceCatalog.model(named: "e1000e", placement: .rootPort))
        host.bars.removeAll { $0.index == BARSpec.romIndex }
        if let rom { host.bars.append(BARSpec(index: BARSpec.romIndex, kind: .rom, size: rom)) }
        return host
    }

    /// e1000e loads a 256 KiB ROM image by default. A host e1000e without a ROM: romfile= takes
    /// it out. With a 512 KiB ROM: romsize gives that BAR (the image fits). With a 128 KiB ROM:
    /// the image does not fit, so e1000e cannot stand in.
    @Test func romRules() throws {
        #expect(DeviceCatalog.standIn(for: try Self.e1000e(rom: nil), at: .rootPort)?.rom == .removed)
        #expect(DeviceCatalog.standIn(for: try Self.e1000e(rom: 0x80000), at: .rootPort)?.rom == .sized(0x80000))
        let small = try Self.e1000e(rom: 0x20000)
        #expect(DeviceCatalog.standIn(for: small, at: .rootPort) == nil)
        let nearest = try #require(DeviceCatalog.nearestStandIn(for: small, at: .rootPort))
        #expect(nearest.model == "e1000e")
        #expect(nearest.difference == "the plan's ROM is 128K and e1000e's ROM image needs 256K")
        // nvme loads no ROM image: a host nvme with a ROM has no stand-in.
        var nvme = try #require(DeviceCatalog.model(named: "nvme", placement: .rootPort))
        nvme.bars.append(BARSpec(index: BARSpec.romIndex, kind: .rom, size: 0x10000))
        #expect(DeviceCatalog.standIn(for: nvme, at: .rootPort) == nil)
        #expect(DeviceCatalog.nearestStandIn(for: nvme, at: .rootPort)?.difference == "the plan has a 64K ROM and nvme loads no ROM image")
    }

    /// Each identity field on its own keeps a model from standing in, and the reason names it.
    @Test func everyIdentityFieldCounts() throws {
        let nvme = try #require(DeviceCatalog.model(named: "nvme", placement: .rootPort))
        var changes: [(DeviceModel, String)] = []
        var host = nvme; host.subsystem = PCISubsystem(vendorID: 0x144d, id: 0xa801)
        changes.append((host, "its subsystem is 1af4:1100, the host function's 144d:a801"))
        host = nvme; host.revision = 3
        changes.append((host, "its revision is 0x02, the host function's 0x03"))
        host = nvme; host.classCode = 0x010803
        changes.append((host, "its class is 0x010802, the host function's 0x010803"))
        host = nvme; host.interruptPin = 2
        changes.append((host, "its interrupt pin is 1, the host function's 2"))
        host = nvme; host.bars = [BARSpec(index: 0, kind: .mem64, size: 0x10000)]
        changes.append((host, "its BARs are BAR 0 mem64 16K, the host function's BAR 0 mem64 64K"))
        for (host, reason) in changes {
            #expect(DeviceCatalog.standIn(for: host, at: .rootPort) == nil, "\(reason)")
            #expect(DeviceCatalog.nearestStandIn(for: host, at: .rootPort)?.difference == reason)
        }
        host = nvme; host.deviceID = 0x0011
        #expect(DeviceCatalog.standIn(for: host, at: .rootPort) == nil)
        #expect(DeviceCatalog.nearestStandIn(for: host, at: .rootPort) == nil, "no model has 1b36:0011")
    }

    /// The placement decides among virtio's identities: a modern-only virtio-net (1af4:1041,
    /// revision 1) behind a port has no stand-in on bus 0, where QEMU's is transitional (1af4:1000).
    @Test func placementCounts() throws {
        let modern = try #require(DeviceCatalog.model(named: "virtio-net-pci", placement: .rootPort))
        #expect(DeviceCatalog.standIn(for: modern, at: .rootPort)?.model == "virtio-net-pci")
        #expect(DeviceCatalog.standIn(for: modern, at: .rootBus) == nil)
    }

    /// The size parameter comes from the BAR it sets, within what QEMU makes: VGA's BAR0 of
    /// 1 GiB is beyond vgamem_mb's 512 MiB; an ivshmem-plain BAR2 below a 4 KiB page is too small.
    @Test func sizeParameterRange() throws {
        var vga = try #require(DeviceCatalog.model(named: "VGA", placement: .rootPort))
        vga.bars[0].size = 1 << 30
        #expect(DeviceCatalog.standIn(for: vga, at: .rootPort) == nil)
        #expect(DeviceCatalog.nearestStandIn(for: vga, at: .rootPort)?.difference.contains("BAR 0 is 1G") == true)
        var shm = try #require(DeviceCatalog.model(named: "ivshmem-plain", placement: .rootPort, size: 0x1000))
        #expect(DeviceCatalog.standIn(for: shm, at: .rootPort) == StandIn(model: "ivshmem-plain", size: 0x1000, rom: .none))
        shm.bars[1].size = 0x800
        #expect(DeviceCatalog.standIn(for: shm, at: .rootPort) == nil)
    }
}
