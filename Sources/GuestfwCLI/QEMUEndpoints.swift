import Layout
import VMConfig

/// The `-device` lines of endpoints: catalog models with their backends, host devices passed
/// with vfio-pci, or the models standing in for them.
extension QEMUCommandLine {
    /// A model QEMU emulates, with what sets its BARs: the size parameter
    /// (`DeviceCatalog.model(named:placement:size:)`) and the ROM.
    struct Emulated {
        var model: String
        var size: UInt64?
        var rom: StandIn.ROM = .none
    }

    /// `properties`: id, bus, addr and multifunction, already decided by the caller.
    func endpoint(_ device: Device, _ function: PlannedFunction, plan: Plan, properties: [String]) throws(Refusal) -> [String] {
        if let host = device.hostModel, let address = device.passthrough {
            switch hostDevices {
            case .passthrough:
                return ["-device", (["vfio-pci", "host=\(address)"] + properties + Self.vfioROM(function)).joined(separator: ",")]
            case .standIn:
                let standIn = try Self.standIn(device, host: host, address: address, placement: plan.placement(of: function))
                return emulated(Emulated(model: standIn.model, size: standIn.size, rom: standIn.rom), id: function.id, properties: properties)
            }
        }
        guard let model = device.model else { throw Refusal(message: "function \(function.id) has no device model") }
        return emulated(Emulated(model: model, size: device.size), id: function.id, properties: properties)
    }

    /// vfio-pci shows the host's ROM BAR, whose size sysfs gave the plan; a plan without a ROM
    /// for the function gets none (`rombar=0`). No `romfile`: the ROM is the device's own.
    static func vfioROM(_ function: PlannedFunction) -> [String] {
        function.bars.contains { $0.index == BARSpec.romIndex } ? [] : ["rombar=0"]
    }

    static func standIn(_ device: Device, host: DeviceModel, address: String, placement: Placement) throws(Refusal) -> StandIn {
        if let standIn = DeviceCatalog.standIn(for: host, at: placement) { return standIn }
        let nearest = DeviceCatalog.nearestStandIn(for: host, at: placement).map { "; \($0.model) has its ids but \($0.difference)" } ?? ""
        throw Refusal(message: "--stand-in: device \"\(device.id)\" (host \(address), \(host.identityDescription)) has no stand-in: no QEMU model of the built-in catalog has its ids, revision, class, pin and BARs\(nearest); only QEMU-emulated models can stand in for a host device; accepted: host functions that are one of the catalog's models (\(DeviceCatalog.endpointModels.joined(separator: ", "))), or qemu-args without --stand-in (vfio-pci passthrough)")
    }

    /// The model's `-device` with the backend it needs: a hub port for a NIC, a null block
    /// device for a disk, a memory backend for ivshmem-plain's shared memory.
    func emulated(_ device: Emulated, id: String, properties: [String]) -> [String] {
        var properties = properties
        var extra: [String] = []
        switch device.model {
        case "virtio-net-pci", "e1000e", "e1000", "rtl8139":
            extra = ["-netdev", "hubport,id=net-\(id),hubid=0"]
            properties.append("netdev=net-\(id)")
        case "virtio-blk-pci", "nvme":
            // A null block device reads zeros quickly: enough for a guest to read a disk to its end.
            extra = ["-blockdev", "driver=null-co,node-name=disk-\(id),size=\(Self.diskSize),read-zeroes=on"]
            properties.append("drive=disk-\(id)")
            if device.model == "nvme" { properties.append("serial=\(id)") }
        case "ivshmem-plain":
            extra = ["-object", "memory-backend-ram,id=mem-\(id),size=\(device.size ?? 0),share=on"]
            properties.append("memdev=mem-\(id)")
        case "VGA":
            if let size = device.size { properties.append("vgamem_mb=\(size >> 20)") }
        default:
            break
        }
        switch device.rom {
        case .none: break
        case .sized(let size): properties.append("romsize=\(size)")
        case .removed: properties.append("romfile=")
        }
        return extra + ["-device", ([device.model] + properties).joined(separator: ",")]
    }
}
