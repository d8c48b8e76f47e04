import Foundation
import GuestfwCLI
import TestSupport
import Testing

/// The repository's own example VMs.
let tablesDirectory = Repository.tables

func example(_ name: String) throws -> String { try Repository.exampleText(name) }

@Suite("Commands")
struct CommandTests {
    @Test func compareShowsWhereXenPoliciesDiffer() throws {
        let run = try Guestfw.run(["compare", "vm.toml"], files: ["vm.toml": try example("xen-large-bars")])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let differing = run.stdout.split(separator: "\n").filter { $0.hasSuffix("differs") }
            .map { String($0.trimmingCharacters(in: .whitespaces).prefix(13)).trimmingCharacters(in: .whitespaces) }
        // hvmloader doubles the hole to 1G and keeps the 512M BAR below 4G; the toolstack sizes a
        // 512M hole and sends the 64-bit BAR above 4G, which leaves a single 32-bit range; hvmloader
        // sends nothing high, so it reports no 64-bit window at all.
        #expect(Set(differing) == ["hole start", "hole size", "BARs above 4G", "size above 4G", "32-bit window", "64-bit window"])
        #expect(run.stdout.contains("shm0 BAR2 mem64"))
    }

    /// The expander example: bus_nr 128 leaves PCI0 buses 00-7f; the expander's two root ports
    /// take buses 0x81 and 0x82 below its root bus 0x80.
    @Test func planShowsWhatEachHostBridgeClaims() throws {
        let run = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": try example("expander")])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  pci0 ") && $0.contains(" 00-7f ") })
        #expect(lines.contains { $0.hasPrefix("  pxb1 (00:") && $0.contains(" 128 ") && $0.contains(" 80-82 ") })
    }

    @Test func planJSONIsByteIdenticalAcrossRuns() throws {
        for name in exampleNames {
            let files = ["vm.toml": try example(name)]
            let first = try Guestfw.run(["plan", "vm.toml", "--json"], files: files)
            let second = try Guestfw.run(["plan", "vm.toml", "--json"], files: files)
            #expect(first.exitCode == 0, "\(name): \(first.stderr)")
            #expect(!first.stdout.isEmpty && first.stdout == second.stdout, "\(name)")
        }
    }

    @Test func policyOptionOverridesTheDescription() throws {
        let files = ["vm.toml": try example("toolstack-64bus")]
        let own = try Guestfw.run(["plan", "vm.toml", "--json"], files: files)
        let overridden = try Guestfw.run(["plan", "vm.toml", "--json", "--policy", "hvmloader"], files: files)
        #expect(own.stdout.contains("\"policy\": \"toolstack\""))
        #expect(overridden.stdout.contains("\"policy\": \"hvmloader\""))
    }

    @Test func jsonDescriptionPlansLikeTOML() throws {
        let json = """
            { "name": "j", "memory": "2G", "root_port": [ { "id": "rp1", "hotplug": true } ],
              "device": [ { "id": "nic0", "model": "virtio-net-pci", "bus": "rp1" } ] }
            """
        let toml = "name = \"j\"\nmemory = \"2G\"\n[[root_port]]\nid = \"rp1\"\nhotplug = true\n[[device]]\nid = \"nic0\"\nmodel = \"virtio-net-pci\"\nbus = \"rp1\"\n"
        let fromJSON = try Guestfw.run(["plan", "vm.json", "--json"], files: ["vm.json": json])
        let fromTOML = try Guestfw.run(["plan", "vm.toml", "--json"], files: ["vm.toml": toml])
        #expect(fromJSON.exitCode == 0, "\(fromJSON.stderr)")
        #expect(fromJSON.stdout == fromTOML.stdout)
    }

    @Test func printDefaultIsTheDefaultExample() throws {
        let run = try Guestfw.run(["build", "--print-default"])
        #expect(run.exitCode == 0)
        #expect(run.stdout == (try example("default")))
    }

    @Test func defaultPlanMatchesTheDefaultExample() throws {
        let builtIn = try Guestfw.run(["plan", "--json"])
        let fromFile = try Guestfw.run(["plan", "vm.toml", "--json"], files: ["vm.toml": try example("default")])
        #expect(builtIn.exitCode == 0)
        #expect(builtIn.stdout == fromFile.stdout.replacingOccurrences(of: "vm.toml", with: DefaultVMName.fileName))
    }

    /// `--version` prints the one version string (and so the installed man page's footer).
    @Test func versionIsTheOneVersionString() throws {
        let run = try Guestfw.run(["--version"])
        #expect(run.exitCode == 0)
        #expect(run.stdout == GuestfwVersion.current + "\n")
    }
}

enum DefaultVMName { static let fileName = "<built-in default VM>" }
