/// One host PCI function as guestfw reads it: its `config` and `resource` parsed, refused when it
/// cannot be passed as an endpoint, and its BARs as sysfs knows them.
public struct HostFunction: Sendable, Hashable {
    public var address: HostPCIAddress
    public var config: HostConfigSpace
    public var resources: [ResourceLine]

    public init(address: HostPCIAddress, config: HostConfigSpace, resources: [ResourceLine]) {
        self.address = address
        self.config = config
        self.resources = resources
    }

    /// A BAR (index 0-5, or 6 for the ROM) as read from `resource` line `index`.
    public enum Reading: Sendable, Hashable {
        case sized(BARSpec)
        /// The BAR exists but sysfs shows no size: `reason` says why, `kind` what it is as far as
        /// the flags or the config register tell.
        case unsized(index: Int, kind: BARKind, prefetchable: Bool, reason: String)

        public var index: Int {
            switch self {
            case .sized(let bar): bar.index
            case .unsized(let index, _, _, _): index
            }
        }

        /// The BAR registers it takes (a 64-bit BAR two).
        public var registers: [Int] {
            switch self {
            case .sized(let bar): bar.kind == .mem64 ? [bar.index, bar.index + 1] : [bar.index]
            case .unsized(let index, let kind, _, _): kind == .mem64 ? [index, index + 1] : [index]
            }
        }
    }

    static let endpointAccepted = "the host address of an endpoint function (header type 0, not a host bridge or an SR-IOV virtual function)"

    /// Refuses what guestfw cannot pass as an endpoint. Problems are about the `config` file.
    public func checkEndpoint() throws(HostFileProblem) {
        if config.vendorID == 0xffff {
            throw HostFileProblem("reads vendor 0xffff: an SR-IOV virtual function (its ids and BARs live in the physical function's SR-IOV capability, which guestfw does not read) or a function that is gone",
                                  accepted: Self.endpointAccepted + ", or a passthrough device with explicit bars")
        }
        switch config.headerType {
        case 0: break
        case 1:
            throw HostFileProblem("has header type 1: a PCI-to-PCI bridge (root port, switch port or PCI bridge), whose windows belong to the host's tree",
                                  accepted: Self.endpointAccepted + "; describe guest bridges with [[root_port]], [[switch]] or [[pci_bridge]]")
        case 2:
            throw HostFileProblem("has header type 2: a CardBus bridge", accepted: Self.endpointAccepted)
        default:
            throw HostFileProblem("has header type 0x\(hex(UInt64(config.headerType), digits: 2)), which no PCI function has", accepted: Self.endpointAccepted)
        }
        if config.classCode >> 8 == 0x0600 {
            throw HostFileProblem("has class 0x\(hex(UInt64(config.classCode), digits: 6)): a host bridge, which is the chipset, not a device",
                                  accepted: Self.endpointAccepted)
        }
    }

    /// BARs 0-5 and the ROM (index 6) as `resource` lines 0-6 show them, checked against the
    /// config registers. An empty line is a BAR the host left unassigned when its config register
    /// says it exists (an I/O BAR's bit 0, a memory BAR's type or prefetchable bits, or an address
    /// are set), and no BAR otherwise. Lines 7-12 (a physical function's SR-IOV VF BARs) are not
    /// read: the guest sees the function without its SR-IOV capability (vfio hides it). Problems
    /// are about the `resource` file.
    public func readings() throws(HostFileProblem) -> [Reading] {
        guard resources.count >= 7 else {
            throw HostFileProblem("has \(resources.count) lines (a truncated file)", accepted: SysfsResource.lineAccepted)
        }
        let accepted = SysfsResource.lineAccepted
        var result: [Reading] = []
        var index = 0
        while index < 6 {
            let line = resources[index]
            let register = index < config.barRegisters.count ? config.barRegisters[index] : 0
            if !line.isEmpty {
                let kind: BARKind
                if line.flags & ResourceLine.io != 0 {
                    kind = .io
                } else if line.flags & ResourceLine.mem != 0 {
                    kind = line.flags & ResourceLine.mem64 != 0 ? .mem64 : .mem32
                } else {
                    throw HostFileProblem("line \(index + 1) (BAR \(index)) has flags 0x\(hex(line.flags, digits: 1)), neither I/O (0x100) nor memory (0x200)", accepted: accepted)
                }
                guard let size = line.size, size.isPowerOfTwo, size >= (kind == .io ? 4 : 16) else {
                    throw HostFileProblem("line \(index + 1) (BAR \(index)) spans 0x\(hex(line.start, digits: 1))-0x\(hex(line.end, digits: 1)), not a BAR (a power of two, at least \(kind == .io ? 4 : 16) bytes)", accepted: accepted)
                }
                if kind == .mem64 {
                    guard index < 5 else {
                        throw HostFileProblem("line 6 (BAR 5) is a 64-bit BAR, which needs a second register after it", accepted: accepted)
                    }
                    guard resources[index + 1].isEmpty && resources[index + 1].flags == 0 else {
                        throw HostFileProblem("line \(index + 2) (BAR \(index + 1)) is not empty though BAR \(index) is 64-bit and takes its register", accepted: accepted)
                    }
                }
                result.append(.sized(BARSpec(index: index, kind: kind, size: size,
                                             prefetchable: kind != .io && line.flags & ResourceLine.prefetch != 0)))
                index += kind == .mem64 ? 2 : 1
                continue
            }
            // An empty line: does the BAR exist? The flags, if Linux kept them, else the register.
            let kind: BARKind?
            var prefetchable = false
            if line.flags & ResourceLine.io != 0 {
                kind = .io
            } else if line.flags & ResourceLine.mem != 0 {
                kind = line.flags & ResourceLine.mem64 != 0 && index < 5 ? .mem64 : .mem32
                prefetchable = line.flags & ResourceLine.prefetch != 0
            } else if register != 0 {
                if register & 1 != 0 {
                    kind = .io
                } else {
                    kind = (register >> 1) & 3 == 2 && index < 5 ? .mem64 : .mem32
                    prefetchable = register & 8 != 0
                }
            } else {
                kind = nil
            }
            if let kind {
                result.append(.unsized(index: index, kind: kind, prefetchable: prefetchable,
                                       reason: "its resource line \(index + 1) is empty though config register 0x\(hex(UInt64(0x10 + 4 * index), digits: 2)) reads 0x\(hex(UInt64(register), digits: 8)) (the host left it unassigned)"))
                index += kind == .mem64 ? 2 : 1
            } else {
                index += 1
            }
        }
        let rom = resources[6]
        if !rom.isEmpty {
            if rom.flags & ResourceLine.romShadow != 0 {
                result.append(.unsized(index: BARSpec.romIndex, kind: .rom, prefetchable: false,
                                       reason: "line 7 is the shadow copy at 0x\(hex(rom.start, digits: 1)) (IORESOURCE_ROM_SHADOW: the host firmware's copy for the boot VGA device), not the ROM BAR"))
            } else {
                guard let size = rom.size, size.isPowerOfTwo, size >= 0x800 else {
                    throw HostFileProblem("line 7 (the ROM) spans 0x\(hex(rom.start, digits: 1))-0x\(hex(rom.end, digits: 1)), not an expansion ROM BAR (a power of two, at least 2K)", accepted: accepted)
                }
                result.append(.sized(BARSpec(index: BARSpec.romIndex, kind: .rom, size: size)))
            }
        } else if config.romRegister & 0xffff_f800 != 0 {
            result.append(.unsized(index: BARSpec.romIndex, kind: .rom, prefetchable: false,
                                   reason: "its resource line 7 is empty though the ROM register 0x30 reads 0x\(hex(UInt64(config.romRegister), digits: 8))"))
        }
        return result
    }

    /// Where the host put BAR `index` (6: the ROM): the start of its `resource` line, nil when
    /// the line is empty (unassigned) or, for the ROM, the shadow copy (not the ROM BAR).
    public func hostAddress(of index: Int) -> UInt64? {
        guard index < resources.count, index <= BARSpec.romIndex else { return nil }
        let line = resources[index]
        if line.isEmpty || (index == BARSpec.romIndex && line.flags & ResourceLine.romShadow != 0) { return nil }
        return line.start
    }

    /// The function as a device model: ids, revision, subsystem, class, pin and PCI Express type
    /// from config, the BARs given (already merged with the description's).
    public func model(bars: [BARSpec]) -> DeviceModel {
        DeviceModel(name: "host " + address.description, vendorID: config.vendorID, deviceID: config.deviceID,
                    classCode: config.classCode, interruptPin: config.interruptPin,
                    bars: bars.sorted { $0.index < $1.index }, headerType: 0, pcieType: config.pcieType,
                    revision: config.revision,
                    subsystem: PCISubsystem(vendorID: config.subsystemVendorID, id: config.subsystemID))
    }
}
