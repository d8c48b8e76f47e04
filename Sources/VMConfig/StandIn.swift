/// A QEMU model standing in for a host function, so that a plan made for passthrough hardware
/// boots under QEMU without that hardware (`guestfw qemu-args --stand-in`).
///
/// The rule: the first catalog endpoint model (in `DeviceCatalog.endpointModels` order) whose
/// function, at the placement the plan gives the host function (bus 0, behind a port, or on a
/// conventional bus), has the host function's vendor, device, subsystem vendor and id,
/// revision, class and interrupt pin, and the same BARs 0-5 (register, kind, size,
/// prefetchable), with the model's size parameter read off the BAR it sets. Together that is
/// what the firmware checks and what a driver matches on. Not compared: the PCI Express
/// device/port type, which follows the bus for a QEMU model and for vfio-pci alike. The ROM is
/// the one BAR QEMU lets the line change (`ROM`).
public struct StandIn: Sendable, Hashable {
    public var model: String
    /// The size parameter of `DeviceCatalog.model(named:placement:size:)`, from the BAR it sets;
    /// nil for a model without one.
    public var size: UInt64?
    public var rom: ROM

    public init(model: String, size: UInt64?, rom: ROM) {
        self.model = model
        self.size = size
        self.rom = rom
    }

    public enum ROM: Sendable, Hashable {
        /// Neither the plan nor the model has a ROM.
        case none
        /// The model's default image in a ROM BAR of the plan's size (QEMU's `romsize`, which
        /// takes any power of two the image fits in).
        case sized(UInt64)
        /// The plan has no ROM and the model loads one by default: an empty `romfile` leaves
        /// the ROM BAR out.
        case removed
    }
}

/// Why a catalog model does not stand in for a host function.
public struct StandInMismatch: Error, Sendable, Hashable {
    public var model: String
    public var difference: String
}

extension DeviceCatalog {
    /// The BAR a model's size parameter sets and the sizes QEMU makes with it: ivshmem-plain's
    /// memory backend (BAR 2; at least a 4 KiB page, as a description's `size`), VGA's
    /// `vgamem_mb` (BAR 0; 1 to 512 MiB, see `model(named:placement:size:)`).
    public static let sizeParameters: [String: (bar: Int, sizes: ClosedRange<UInt64>)] = [
        "ivshmem-plain": (bar: 2, sizes: 0x1000...(1 << 62)),
        "VGA": (bar: 0, sizes: (1 << 20)...(512 << 20)),
    ]

    /// The stand-in for `host` (a host function as planned: its BARs with the description's
    /// `bars` and `rom` merged in), or nil when no catalog model has its identity and BARs.
    public static func standIn(for host: DeviceModel, at placement: Placement) -> StandIn? {
        for name in endpointModels {
            if case .success(let standIn) = compare(name, host: host, at: placement) { return standIn }
        }
        return nil
    }

    /// For a host function without a stand-in: the first model with its vendor and device id,
    /// and what differs, to say why that model cannot stand in.
    public static func nearestStandIn(for host: DeviceModel, at placement: Placement) -> StandInMismatch? {
        for name in endpointModels {
            if case .failure(let mismatch) = compare(name, host: host, at: placement),
               let model = model(named: name, placement: placement),
               model.vendorID == host.vendorID && model.deviceID == host.deviceID {
                return mismatch
            }
        }
        return nil
    }

    static func compare(_ name: String, host: DeviceModel, at placement: Placement) -> Result<StandIn, StandInMismatch> {
        func differs(_ what: String) -> Result<StandIn, StandInMismatch> { .failure(StandInMismatch(model: name, difference: what)) }
        var size: UInt64?
        if let parameter = sizeParameters[name] {
            guard let bar = host.bars.first(where: { $0.index == parameter.bar }) else {
                return differs("the host function has no BAR \(parameter.bar), which \(name)'s size parameter sets")
            }
            guard parameter.sizes.contains(bar.size) else {
                return differs("BAR \(parameter.bar) is \(Quantity.format(bar.size)), which its size parameter cannot make (\(Quantity.format(parameter.sizes.lowerBound)) to \(Quantity.format(parameter.sizes.upperBound)))")
            }
            size = bar.size
        }
        guard let model = model(named: name, placement: placement, size: size) else { return differs("not in the catalog") }
        if model.vendorID != host.vendorID || model.deviceID != host.deviceID {
            return differs("it is \(model.idPair), the host function \(host.idPair)")
        }
        if model.subsystem != host.subsystem {
            return differs("its subsystem is \(model.subsystem.map(\.description) ?? "unknown"), the host function's \(host.subsystem.map(\.description) ?? "unknown")")
        }
        if model.revision != host.revision {
            return differs("its revision is \(model.revision.map { "0x" + hex(UInt64($0), digits: 2) } ?? "unknown"), the host function's \(host.revision.map { "0x" + hex(UInt64($0), digits: 2) } ?? "unknown")")
        }
        if model.classCode != host.classCode {
            return differs("its class is 0x\(hex(UInt64(model.classCode), digits: 6)), the host function's 0x\(hex(UInt64(host.classCode), digits: 6))")
        }
        if model.interruptPin != host.interruptPin {
            return differs("its interrupt pin is \(model.interruptPin), the host function's \(host.interruptPin)")
        }
        let modelBARs = model.bars.filter { $0.index != BARSpec.romIndex }
        let hostBARs = host.bars.filter { $0.index != BARSpec.romIndex }
        if modelBARs != hostBARs {
            return differs("its BARs are \(describe(modelBARs)), the host function's \(describe(hostBARs))")
        }
        let planned = host.bars.first { $0.index == BARSpec.romIndex }?.size
        let image = model.bars.first { $0.index == BARSpec.romIndex }?.size
        switch (planned, image) {
        case (nil, nil):
            return .success(StandIn(model: name, size: size, rom: .none))
        case (nil, _?):
            return .success(StandIn(model: name, size: size, rom: .removed))
        case (let rom?, nil):
            return differs("the plan has a \(Quantity.format(rom)) ROM and \(name) loads no ROM image")
        case (let rom?, let image?):
            guard rom >= image else {
                return differs("the plan's ROM is \(Quantity.format(rom)) and \(name)'s ROM image needs \(Quantity.format(image))")
            }
            return .success(StandIn(model: name, size: size, rom: .sized(rom)))
        }
    }

    static func describe(_ bars: [BARSpec]) -> String {
        guard !bars.isEmpty else { return "none" }
        return bars.map { "BAR \($0.index) \($0.kind.rawValue)\($0.prefetchable ? " prefetchable" : "") \(Quantity.format($0.size))" }
            .joined(separator: ", ")
    }
}

extension DeviceModel {
    /// "vvvv:dddd", as lspci -n shows the ids.
    public var idPair: String { hex(UInt64(vendorID), digits: 4) + ":" + hex(UInt64(deviceID), digits: 4) }

    /// The ids a stand-in must match, as one phrase: "1b36:0010 (subsystem 1af4:1100, revision
    /// 0x02, class 0x010802, pin 1)".
    public var identityDescription: String {
        let subsystem = self.subsystem.map { "subsystem \($0), " } ?? ""
        let revision = self.revision.map { "revision 0x\(hex(UInt64($0), digits: 2)), " } ?? ""
        return "\(idPair) (\(subsystem)\(revision)class 0x\(hex(UInt64(classCode), digits: 6)), pin \(interruptPin))"
    }
}
