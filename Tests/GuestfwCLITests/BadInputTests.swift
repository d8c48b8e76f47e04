import Foundation
import Testing

/// One description that must be refused: the exit code, and words the message must contain
/// (file, line, field, value, what is accepted).
struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var words: [String]
    var exitCode: Int32 = 2
    var file = "vm.toml"
    var arguments: [String] = []

    var testDescription: String { name }
}

let minimalPort = """
    [[root_port]]
    id = "rp1"

    """

let badInputs: [BadInput] = [
    BadInput(name: "TOML syntax error", text: "memory = \"2G\nvcpus = 1\n", words: ["vm.toml:1", "unterminated"]),
    BadInput(name: "JSON syntax error", text: "{ \"memory\": \"2G\", }", words: ["vm.json:1", "trailing"], file: "vm.json"),
    BadInput(name: "JSON null", text: "{ \"memory\": null }", words: ["vm.json:1", "null"], file: "vm.json"),
    BadInput(name: "unknown key with a suggestion", text: "memroy = \"2G\"\nmemory = \"2G\"\n",
             words: ["vm.toml:1", "memroy", "unknown key", "did you mean \"memory\""]),
    BadInput(name: "memory missing", text: "vcpus = 2\n", words: ["memory", "is required"]),
    BadInput(name: "memory not a size", text: "memory = \"3X\"\n", words: ["vm.toml:1", "memory = \"3X\"", "not a size", "accepted"]),
    BadInput(name: "memory too small", text: "memory = \"64M\"\n", words: ["memory = \"64M\"", "128M"]),
    BadInput(name: "memory not whole MiB", text: "memory = \"1000K\"\n", words: ["memory = \"1000K\"", "multiple of 1M"]),
    BadInput(name: "memory negative", text: "memory = -1\n", words: ["memory = -1", "negative"]),
    BadInput(name: "vmm unknown", text: "memory = \"2G\"\nvmm = \"kvm\"\n", words: ["vm.toml:2", "vmm = \"kvm\"", "\"qemu\" or \"xen\""]),
    BadInput(name: "vcpus zero", text: "memory = \"2G\"\nvcpus = 0\n", words: ["vcpus = 0", "1 to 255"]),
    BadInput(name: "vcpus wrong type", text: "memory = \"2G\"\nvcpus = \"2\"\n", words: ["vcpus = \"2\"", "must be an integer"]),
    BadInput(name: "phys_bits out of range", text: "memory = \"2G\"\nphys_bits = 60\n", words: ["phys_bits = 60", "36 to 52"]),
    BadInput(name: "ecam buses not a PCIEXBAR length", text: "memory = \"2G\"\n[ecam]\nbuses = 100\n",
             words: ["vm.toml:3", "ecam.buses = 100", "64, 128 or 256"]),
    BadInput(name: "ecam base unaligned", text: "memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\nbase = \"0xB1000000\"\n",
             words: ["vm.toml:4", "ecam.base = \"0xB1000000\"", "not aligned to 256M"]),
    BadInput(name: "ecam base above 64G", text: "memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\nbase = \"0x1000000000\"\n",
             words: ["ecam.base = \"0x1000000000\"", "above 64G"]),
    BadInput(name: "ecam base over the chipset", text: "memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\nbase = \"0xF0000000\"\n",
             words: ["ecam.base = \"0xF0000000\"", "chipset"]),
    BadInput(name: "ecam base over RAM", text: "memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\nbase = \"0x40000000\"\n",
             words: ["vm.toml", "ecam.base = 0x40000000", "overlaps RAM", "low RAM ends at 0x80000000"]),
    BadInput(name: "mmio hole too small", text: "memory = \"2G\"\n[mmio]\nhole = \"100M\"\n", words: ["mmio.hole = \"100M\"", "256M to 3840M"]),
    BadInput(name: "window64 not whole GiB", text: "memory = \"2G\"\n[mmio]\nwindow64 = \"3M\"\n", words: ["mmio.window64 = \"3M\"", "multiple of 1G"]),
    BadInput(name: "relocate_ram on qemu", text: "memory = \"2G\"\n[mmio]\nrelocate_ram = true\n",
             words: ["mmio.relocate_ram = true", "never relocates RAM", "vmm = \\\"xen\\\"".replacingOccurrences(of: "\\", with: "")]),
    BadInput(name: "duplicate root port id", text: "memory = \"2G\"\n" + minimalPort + minimalPort,
             words: ["vm.toml:5", "root_port[1].id = \"rp1\"", "duplicate id", "root_port[0]"]),
    BadInput(name: "device id clashes with a port", text: "memory = \"2G\"\n" + minimalPort + "[[device]]\nid = \"rp1\"\nmodel = \"nvme\"\n",
             words: ["device[0].id = \"rp1\"", "duplicate id"]),
    BadInput(name: "bus names no root port", text: "memory = \"2G\"\n" + minimalPort + "[[device]]\nid = \"d\"\nmodel = \"nvme\"\nbus = \"rp2\"\n",
             words: ["vm.toml:7", "device[0].bus = \"rp2\"", "names no root port", "did you mean \"rp1\""]),
    BadInput(name: "two functions on one address", text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\naddr = \"10.0\"\n[[root_port]]\nid = \"b\"\naddr = \"10.0\"\n",
             words: ["root_port[1].addr = \"10.0\"", "two functions on one address", "root_port[0]"]),
    BadInput(name: "address of the chipset", text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\naddr = \"1f.0\"\n",
             words: ["root_port[0].addr = \"1f.0\"", "chipset", "01 to 1e"]),
    BadInput(name: "address malformed", text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\naddr = \"zz\"\n",
             words: ["root_port[0].addr = \"zz\"", "DD.F"]),
    BadInput(name: "device behind a port not at device 0", text: "memory = \"2G\"\n" + minimalPort + "[[device]]\nid = \"d\"\nmodel = \"nvme\"\nbus = \"rp1\"\naddr = \"3.0\"\n",
             words: ["device[0].addr = \"3.0\"", "device 0 only"]),
    BadInput(name: "function without function 0", text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\naddr = \"10.3\"\n",
             words: ["root_port[0].addr = \"10.3\"", "without a function 0"]),
    BadInput(name: "unknown model with a suggestion", text: "memory = \"2G\"\n[[device]]\nid = \"d\"\nmodel = \"virtio-net\"\n",
             words: ["device[0].model = \"virtio-net\"", "not a model in the catalog", "did you mean \"virtio-net-pci\""]),
    BadInput(name: "neither model nor bars", text: "memory = \"2G\"\n[[device]]\nid = \"d\"\n", words: ["device[0].model", "is required", "passthrough"]),
    BadInput(name: "both model and bars", text: "memory = \"2G\"\n[[device]]\nid = \"d\"\nmodel = \"nvme\"\nbars = [{ bar = 0, size = \"4K\", kind = \"mem32\" }]\n",
             words: ["device[0].bars", "either model or bars"]),
    BadInput(name: "BAR size not a power of two", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\npassthrough = \"0000:65:00.0\"\nbars = [\n  { bar = 0, size = \"3M\", kind = \"mem32\" },\n]\n",
             words: ["vm.toml:6", "device[0].bars[0].size = \"3M\"", "power of two"]),
    BadInput(name: "BAR size zero", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\nbars = [{ bar = 0, size = 0, kind = \"mem64\" }]\n",
             words: ["device[0].bars[0].size = 0", "power of two"]),
    BadInput(name: "32-bit BAR too large", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\nbars = [{ bar = 0, size = \"4G\", kind = \"mem32\" }]\n",
             words: ["device[0].bars[0].size = \"4G\"", "16 bytes to 2G"]),
    BadInput(name: "64-bit BAR at index 5", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\nbars = [{ bar = 5, size = \"1M\", kind = \"mem64\" }]\n",
             words: ["device[0].bars[0].bar = 5", "two registers"]),
    BadInput(name: "BAR registers overlap", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\nbars = [{ bar = 0, size = \"1M\", kind = \"mem64\" }, { bar = 1, size = \"4K\", kind = \"mem32\" }]\n",
             words: ["device[0].bars[1].bar = 1", "already used by bar 0"]),
    BadInput(name: "rom as a BAR kind", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\nbars = [{ bar = 0, size = \"64K\", kind = \"rom\" }]\n",
             words: ["device[0].bars[0].kind = \"rom\"", "rom key"]),
    BadInput(name: "prefetchable I/O BAR", text: "memory = \"2G\"\n[[device]]\nid = \"gpu\"\nbars = [{ bar = 0, size = 64, kind = \"io\", prefetchable = true }]\n",
             words: ["device[0].bars[0].prefetchable = true", "I/O BAR cannot be prefetchable"]),
    BadInput(name: "ivshmem without size", text: "memory = \"2G\"\n[[device]]\nid = \"shm\"\nmodel = \"ivshmem-plain\"\n",
             words: ["device[0].size", "is required", "power of two"]),
    BadInput(name: "size for a model without one", text: "memory = \"2G\"\n[[device]]\nid = \"n\"\nmodel = \"nvme\"\nsize = \"1M\"\n",
             words: ["device[0].size = \"1M\"", "only a sized model"]),
    BadInput(name: "VGA video memory not whole MiB", text: "memory = \"2G\"\n[[device]]\nid = \"v\"\nmodel = \"VGA\"\nsize = \"1536K\"\n",
             words: ["device[0].size = \"1536K\"", "video memory", "whole MiB from 1M to 512M"]),
    BadInput(name: "VGA video memory above what QEMU holds", text: "memory = \"2G\"\n[[device]]\nid = \"v\"\nmodel = \"VGA\"\nsize = \"1G\"\n",
             words: ["device[0].size = \"1G\"", "vgamem_mb"]),
    BadInput(name: "ivshmem size not a power of two", text: "memory = \"2G\"\n[[device]]\nid = \"shm\"\nmodel = \"ivshmem-plain\"\nsize = \"12M\"\n",
             words: ["device[0].size = \"12M\"", "power of two"]),
    BadInput(name: "more root ports than bus 0 has addresses",
             text: "memory = \"2G\"\n" + (0..<241).map { "[[root_port]]\nid = \"p\($0)\"\n" }.joined(),
             words: ["241", "bus 0 has 240"]),
    BadInput(name: "nine devices behind one port",
             text: "memory = \"2G\"\n" + minimalPort + (0..<9).map { "[[device]]\nid = \"d\($0)\"\nmodel = \"nvme\"\nbus = \"rp1\"\n" }.joined(),
             words: ["device[8]", "9th function"]),
    BadInput(name: "bus reservations exceed the ECAM",
             text: "memory = \"2G\"\n[ecam]\nbuses = 64\n[[root_port]]\nid = \"a\"\nreserve = { bus = 64 }\n",
             words: ["ecam.buses = 64", "need 65 bus numbers", "128 or 256"]),
    BadInput(name: "I/O reservation not 4K granular",
             text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\nreserve = { io = \"5K\" }\n",
             words: ["root_port[0].reserve.io = \"5K\"", "multiple of 4K"]),
    BadInput(name: "hot-pluggable port with a closed memory window",
             text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\nhotplug = true\nreserve = { mem = \"0\", pref64 = \"0\" }\n",
             words: ["vm.toml:5", "root_port[0].reserve.mem = \"0\"", "root_port[0].reserve.pref64 = \"0\"", "assigned", "hotplug = false"]),
    BadInput(name: "hot-pluggable port: io = 0 is allowed, a closed pref64 beside it is not",
             text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\nhotplug = true\nreserve = { io = \"0\", pref64 = \"0\" }\n",
             words: ["vm.toml:5", "root_port[0].reserve.pref64 = \"0\"", "assigned", "hotplug = false"]),
    BadInput(name: "unknown reservation key",
             text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\nreserve = { pref32 = \"1M\" }\n",
             words: ["root_port[0].reserve.pref32", "unknown key", "pref64"]),
    BadInput(name: "boolean given as a string", text: "memory = \"2G\"\n[[root_port]]\nid = \"a\"\nhotplug = \"yes\"\n",
             words: ["vm.toml:4", "root_port[0].hotplug = \"yes\"", "true or false"]),
    BadInput(name: "device is not a table", text: "memory = \"2G\"\ndevice = 3\n", words: ["device = 3", "must be an array"]),
    BadInput(name: "invalid name", text: "name = \"my vm!\"\nmemory = \"2G\"\n", words: ["name = \"my vm!\"", "letters, digits"]),
    BadInput(name: "passthrough address malformed",
             text: "memory = \"2G\"\n[[device]]\nid = \"g\"\npassthrough = \"65:00.0\"\nbars = [{ bar = 0, size = \"1M\", kind = \"mem32\" }]\n",
             words: ["device[0].passthrough = \"65:00.0\"", "SSSS:BB:DD.F"]),
    BadInput(name: "OEM id longer than its header field", text: "memory = \"2G\"\n[acpi]\noem_id = \"TOOLONG\"\n",
             words: ["vm.toml:3", "acpi.oem_id = \"TOOLONG\"", "1 to 6 printable ASCII"]),
    BadInput(name: "OEM revision out of range", text: "memory = \"2G\"\n[acpi]\noem_revision = 4294967296\n",
             words: ["acpi.oem_revision = 4294967296", "0 to 4294967295"]),
    BadInput(name: "unknown acpi key", text: "memory = \"2G\"\n[acpi]\ncreator_id = \"ABCD\"\n",
             words: ["acpi.creator_id", "unknown key", "oem_table_id"]),
    BadInput(name: "id reserved for a chipset function", text: "memory = \"2G\"\n[[device]]\nid = \"ich9-ahci\"\nmodel = \"nvme\"\n",
             words: ["vm.toml:3", "device[0].id = \"ich9-ahci\"", "ICH9 function", "an id other than ich9-ahci, ich9-smbus"]),
    BadInput(name: "window64 past phys_bits", text: "memory = \"32G\"\nphys_bits = 36\n[mmio]\nwindow64 = \"32G\"\n",
             words: ["vm.toml", "mmio.window64 = 32G", "ends past 2^phys_bits"]),
    BadInput(name: "switch behind its own downstream port (a loop)",
             text: "memory = \"2G\"\n" + minimalPort + "[[switch]]\nid = \"sw1\"\nbus = \"sw1d0\"\ndownstream = [ { id = \"sw1d0\" } ]\n",
             words: ["vm.toml:6", "switch[0].bus = \"sw1d0\"", "makes a loop", "\"sw1\" is behind \"sw1d0\" of \"sw1\" itself",
                     "accepted: a root port, or a downstream port that is not behind \"sw1\""]),
    BadInput(name: "PCI bridges behind each other (a loop)",
             text: "memory = \"2G\"\n[[pci_bridge]]\nid = \"br1\"\nmodel = \"pci-bridge\"\nbus = \"br2\"\n[[pci_bridge]]\nid = \"br2\"\nmodel = \"pci-bridge\"\nbus = \"br1\"\n",
             words: ["vm.toml:5", "pci_bridge[0].bus = \"br2\"", "makes a loop", "\"br1\" is behind \"br2\", which is behind \"br1\""]),
    BadInput(name: "device behind a downstream port at a slot other than 0",
             text: "memory = \"2G\"\n" + minimalPort + "[[switch]]\nid = \"sw1\"\nbus = \"rp1\"\ndownstream = [ { id = \"d0\" } ]\n"
                 + "[[device]]\nid = \"n\"\nmodel = \"virtio-net-pci\"\nbus = \"d0\"\naddr = \"2.0\"\n",
             words: ["vm.toml:12", "device[0].addr = \"2.0\"", "\"d0\" is a downstream port, whose link reaches device 0 only", "accepted: \"0.F\""]),
    BadInput(name: "endpoint-only model behind a PCI bridge",
             text: "memory = \"2G\"\n" + minimalPort + "[[pci_bridge]]\nid = \"br1\"\nbus = \"rp1\"\n[[device]]\nid = \"n\"\nmodel = \"e1000e\"\nbus = \"br1\"\n",
             words: ["vm.toml:10", "device[0].bus = \"br1\"", "conventional PCI", "e1000e is a PCI Express endpoint only",
                     "a root port or downstream port id for e1000e (\"rp1\")"]),
    BadInput(name: "function 1 without function 0 behind a PCI bridge",
             text: "memory = \"2G\"\n[[pci_bridge]]\nid = \"br1\"\n[[device]]\nid = \"n\"\nmodel = \"virtio-net-pci\"\nbus = \"br1\"\naddr = \"3.1\"\n",
             words: ["vm.toml:8", "device[0].addr = \"3.1\"", "function 1 of slot 03 without a function 0 there behind \"br1\""]),
    BadInput(name: "slot 0 of a conventional bus",
             text: "memory = \"2G\"\n[[pci_bridge]]\nid = \"br1\"\n[[device]]\nid = \"n\"\nmodel = \"virtio-net-pci\"\nbus = \"br1\"\naddr = \"0.0\"\n",
             words: ["vm.toml:8", "device[0].addr = \"0.0\"", "SHPC", "DD from 01 to 1f"]),
    BadInput(name: "host bridge buses overlapping another host bridge's",
             text: "memory = \"2G\"\n[[host_bridge]]\nid = \"pxb1\"\nbus_nr = 100\n[[host_bridge]]\nid = \"pxb2\"\nbus_nr = 104\n"
                 + "[[root_port]]\nid = \"rp1\"\nbus = \"pxb1\"\nreserve = { bus = 8 }\n",
             words: ["vm.toml:4", "host_bridge[0].bus_nr = 100", "need 9 buses (100-108)", "overlaps host_bridge[1]'s buses (\"pxb2\", from its bus_nr 104)",
                     "at least 109 there"]),
    BadInput(name: "host bridge bus_nr inside PCI0's buses",
             text: "memory = \"2G\"\n[[host_bridge]]\nid = \"pxb1\"\nbus_nr = 2\n[[root_port]]\nid = \"rp1\"\nreserve = { bus = 4 }\n",
             words: ["vm.toml:4", "host_bridge[0].bus_nr = 2", "overlaps PCI0's buses", "need 5 buses (0-4)", "a bus_nr from 5 to 255"]),
    BadInput(name: "switch tree needs more buses than the ECAM holds",
             text: "memory = \"2G\"\n[ecam]\nbuses = 64\n" + minimalPort
                 + "[[switch]]\nid = \"sw1\"\nbus = \"rp1\"\ndownstream = [ { id = \"d0\", reserve = { bus = 40 } }, { id = \"d1\", reserve = { bus = 40 } } ]\n",
             words: ["ecam.buses = 64", "need 83 bus numbers", "128 or 256"]),
    BadInput(name: "unknown switch key", text: "memory = \"2G\"\n" + minimalPort + "[[switch]]\nid = \"sw1\"\nbus = \"rp1\"\ndownstream = [ { id = \"d0\", slots = 1 } ]\n",
             words: ["vm.toml:7", "switch[0].downstream[0].slots", "unknown key", "did you mean \"slot\""]),
    BadInput(name: "unknown policy on the command line", text: "memory = \"2G\"\n", words: ["--policy", "bogus"], arguments: ["--policy", "bogus"]),
    BadInput(name: "impossible toolstack layout", text: """
        memory = "2G"
        [ecam]
        policy = "toolstack"
        [[device]]
        id = "big"
        bars = [{ bar = 0, size = "2G", kind = "mem32" }]
        """, words: ["vm.toml", "no layout exists under the toolstack policy", "big BAR 0 mem32 (2G)", "short by"], exitCode: 1),
]

@Suite("Bad input")
struct BadInputTests {
    @Test(arguments: badInputs)
    func refused(_ input: BadInput) throws {
        let run = try Guestfw.run(["plan", input.file] + input.arguments, files: [input.file: input.text])
        #expect(run.exitCode == input.exitCode, "stderr: \(run.stderr)")
        for word in input.words {
            #expect(run.stderr.contains(word), "message lacks \"\(word)\": \(run.stderr)")
        }
        #expect(run.stdout.isEmpty)
        #expect(run.filesAfter == [input.file], "a refused run wrote files")
    }

    @Test func missingFileIsNamed() throws {
        let run = try Guestfw.run(["plan", "nowhere.toml"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("nowhere.toml"))
        #expect(run.stderr.contains("no such file") || run.stderr.contains("No such file"))
    }

    @Test func everyErrorOfAFileIsReportedAtOnce() throws {
        let run = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": "memory = \"2X\"\nvcpus = 0\nvmm = \"kvm\"\n"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.split(separator: "\n").count == 3, "\(run.stderr)")
    }

    @Test func atLeastTwentyFiveDistinctBadInputs() {
        #expect(Set(badInputs.map(\.name)).count >= 25)
        #expect(Set(badInputs.map(\.text)).count == badInputs.count)
    }
}
