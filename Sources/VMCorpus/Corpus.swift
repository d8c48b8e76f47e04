/// A fixed corpus of generated VM descriptions (TOML), the same on every machine and run: the
/// hole-density test and `make bench` read the same VMs. Every description plans under both
/// policies (`[ecam] policy` says toolstack; a reader may override it).
///
/// What it covers: 0-64 root ports (spread evenly over the corpus), each empty, with an
/// endpoint, a switch with up to three downstream ports, a PCIe-to-PCI bridge with conventional
/// devices, or a passthrough function with explicit BARs; integrated bus 0 devices (passthrough
/// ones with 32-bit BARs up to 256 MiB and ROMs); hot-pluggable ports and memory reservations;
/// both vmm kinds; RAM from 512 MiB to 16 GiB; the ECAM at a given base (below 4 GiB in the hole,
/// or above high RAM) or chosen by the policy.
public enum VMCorpus {
    public static let seed: UInt64 = 0x6775_6573_7466_7700
    public static let defaultCount = 64

    public struct Entry: Sendable {
        public var name: String
        public var toml: String
    }

    public static func entries(count: Int = defaultCount, seed: UInt64 = seed) -> [Entry] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { index in
            var draw = CorpusDraw(rng: SplitMix64(seed: rng.next()))
            let name = "corpus-\(index < 10 ? "0" : "")\(index)"
            // Port counts sweep 0...64 across the corpus, so both ends are always in it.
            let ports = count > 1 ? index * 64 / (count - 1) : 0
            return Entry(name: name, toml: draw.description(name: name, rootPorts: ports, xen: index % 2 == 1,
                                                            givenECAM: index % 5 >= 3))
        }
    }

    /// A QEMU VM of `rootPorts` root ports each holding one catalog device (every fourth port
    /// hot-pluggable and empty instead), for timing `guestfw build`: it boots, so it has an image.
    /// Its devices have no I/O BARs, so that 200 ports still fit the 60 KiB of I/O space.
    public static func ports(_ rootPorts: Int) -> String {
        let models = ["virtio-net-pci", "virtio-blk-pci", "nvme", "qemu-xhci", "virtio-scsi-pci"]
        var text = "name = \"ports-\(rootPorts)\"\nmemory = \"8G\"\nvcpus = 8\n"
        for index in 0..<rootPorts { text += "\n[[root_port]]\nid = \"rp\(index)\"\nhotplug = \(index % 4 == 3)\n" }
        for index in 0..<rootPorts where index % 4 != 3 {
            text += "\n[[device]]\nid = \"dev\(index)\"\nmodel = \"\(models[index % models.count])\"\nbus = \"rp\(index)\"\n"
        }
        return text
    }
}

struct CorpusDraw {
    var rng: SplitMix64
    var lines: [String] = []
    var bridges = 0
    var devices = 0
    /// Each has I/O BARs behind it, so a 4 KiB I/O window: few enough that every VM plans.
    var pciBridges = 0

    static let mib: UInt64 = 1 << 20
    static let fourGiB: UInt64 = 1 << 32
    static let pcieModels = ["nvme", "virtio-net-pci", "virtio-blk-pci", "e1000e", "qemu-xhci", "ivshmem-plain"]
    static let conventionalModels = ["virtio-net-pci", "virtio-blk-pci", "virtio-scsi-pci"]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    mutating func description(name: String, rootPorts: Int, xen: Bool, givenECAM: Bool) -> String {
        let memoryMiB = UInt64(pick([512, 1024, 1500, 2048, 2816, 3072, 4096, 6144, 8192, 16384]))
        lines = []
        for index in 0..<rootPorts { rootPort(index) }
        for _ in 0..<int(0...3) { integrated() }
        // Bus 0 plus one bus per bridge, within the ECAM's bus count.
        let buses = [64, 128, 256].first { $0 > bridges + 1 } ?? 256
        let ecamSize = UInt64(buses) * Self.mib
        var head = ["name = \"\(name)\"", "vmm = \"\(xen ? "xen" : "qemu")\"", "memory = \"\(memoryMiB)M\"", "vcpus = 2", "",
                    "[ecam]", "policy = \"toolstack\"", "buses = \(buses)"]
        if givenECAM { head.append("base = \"0x\(String(ecamBase(memory: memoryMiB * Self.mib, size: ecamSize, xen: xen), radix: 16))\"") }
        return (head + lines).joined(separator: "\n") + "\n"
    }

    /// A 256 MiB-aligned base clear of RAM: in the hole below 4 GiB (QEMU: from the end of low
    /// RAM to the chipset; Xen: from 0xC0000000, the hole then starting at or below it) or above
    /// all RAM.
    mutating func ecamBase(memory: UInt64, size: UInt64, xen: Bool) -> UInt64 {
        let step = 256 * Self.mib
        let lowEnd: UInt64 = xen ? 0xC000_0000 : (memory >= 0xB000_0000 ? 0x8000_0000 : memory)
        let holeLimit: UInt64 = xen ? 0xFC00_0000 : 0xFEC0_0000
        let low = stride(from: (lowEnd + step - 1) / step * step, through: holeLimit - size, by: Int(step)).map { UInt64($0) }
        if !low.isEmpty && (xen || chance(70)) { return pick(low) }
        let above = (Self.fourGiB + memory + step - 1) / step * step
        return above + UInt64(int(0...3)) * step
    }

    mutating func rootPort(_ index: Int) {
        let id = "rp\(index)"
        let hotplug = chance(30)
        lines += ["", "[[root_port]]", "id = \"\(id)\""]
        if hotplug { lines.append("hotplug = true") }
        if chance(15) { lines.append("reserve = { mem = \"\(pick([2, 8, 64]))M\" }") }
        bridges += 1
        fillPort(id, depth: 1)
    }

    mutating func fillPort(_ port: String, depth: Int) {
        let roll = int(1...100)
        if roll <= 20 { return }
        if roll <= 35 && depth < 3 && bridges < 120 {
            devices += 1
            let id = "sw\(devices)"
            let downstream = (0..<int(1...3)).map { "d\(devices)_\($0)" }
            bridges += 1 + downstream.count
            lines += ["", "[[switch]]", "id = \"\(id)\"", "bus = \"\(port)\"",
                      "downstream = [" + downstream.map { "{ id = \"\($0)\" }" }.joined(separator: ", ") + "]"]
            for child in downstream { fillPort(child, depth: depth + 1) }
        } else if roll <= 45 && depth < 3 && bridges < 120 && pciBridges < 6 {
            pciBridges += 1
            devices += 1
            let id = "br\(devices)"
            bridges += 1
            lines += ["", "[[pci_bridge]]", "id = \"\(id)\"", "bus = \"\(port)\""]
            for _ in 0..<int(0...3) { device(model: pick(Self.conventionalModels), bus: id) }
        } else if roll <= 55 {
            passthrough(bus: port)
        } else {
            device(model: pick(Self.pcieModels), bus: port)
        }
    }

    mutating func integrated() {
        if chance(50) { passthrough(bus: nil) } else { device(model: pick(["virtio-net-pci", "virtio-blk-pci", "e1000"]), bus: nil) }
    }

    mutating func device(model: String, bus: String?) {
        devices += 1
        lines += ["", "[[device]]", "id = \"e\(devices)\"", "model = \"\(model)\""]
        if let bus { lines.append("bus = \"\(bus)\"") }
        if model == "ivshmem-plain" { lines.append("size = \"\(pick([1, 4, 64, 256, 1024]))M\"") }
    }

    /// Explicit BARs: a 32-bit BAR of 4 KiB to 256 MiB, sometimes a 64-bit one and an I/O BAR, and
    /// sometimes a ROM.
    mutating func passthrough(bus: String?) {
        devices += 1
        var bars = ["{ bar = 0, size = \"\(1 << int(2...18))K\", kind = \"mem32\" }"]
        if chance(50) { bars.append("{ bar = 2, size = \"\(1 << int(4...12))M\", kind = \"mem64\", prefetchable = true }") }
        // I/O only on bus 0: behind a port each would cost a 4 KiB window of the 60 KiB there is.
        if bus == nil && chance(30) { bars.append("{ bar = 4, size = \"\(1 << int(3...8))\", kind = \"io\" }") }
        lines += ["", "[[device]]", "id = \"p\(devices)\""]
        if let bus { lines.append("bus = \"\(bus)\"") }
        lines.append("bars = [ " + bars.joined(separator: ", ") + " ]")
        if chance(40) { lines.append("rom = \"\(1 << int(6...10))K\"") }
    }
}
