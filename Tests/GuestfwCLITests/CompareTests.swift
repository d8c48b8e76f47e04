import Foundation
@testable import GuestfwCLI
@testable import Layout
import TestSupport
import Testing
import VMConfig

/// `guestfw compare --svg`, `compare CONFIG...` with `--csv`, and build's layout.svg.
@Suite("compare")
struct CompareTests {
    // MARK: the SVG

    @Test func svgIsValidXMLAndRendersToPNG() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(try example("passthrough-gpu").utf8).write(to: directory.appendingPathComponent("vm.toml"))
        let run = try Guestfw.run(in: directory, ["compare", "vm.toml", "--svg", "layout.svg"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote layout.svg"))
        let lint = try SVGTool.run("xmllint", ["--noout", "layout.svg"], in: directory)
        #expect(lint.status == 0 && lint.output.isEmpty, "\(lint.output)")
        let render = try SVGTool.run("rsvg-convert", ["--format", "png", "-o", "layout.png", "layout.svg"], in: directory)
        #expect(render.status == 0, "\(render.output)")
        let png = try Data(contentsOf: directory.appendingPathComponent("layout.png"))
        #expect(png.count > 1000)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
    }

    /// The drawing's own coordinates, read back through the column's mapping, are plan.json's addresses.
    @Test func positionsReadBackFromTheSVGAreThePlansAddresses() throws {
        let files = ["vm.toml": try example("passthrough-gpu")]
        let document = try drawing(of: "passthrough-gpu")
        for policy in ["hvmloader", "toolstack"] {
            let plan = try PlanFile.decode(Data(Guestfw.run(["plan", "vm.toml", "--json", "--policy", policy], files: files).stdout.utf8))
            let column = try #require(document.columns.first { $0.policy == policy }, "no \(policy) column")
            var checks: [(what: String, rect: SVGRect, start: UInt64, size: UInt64)] = []
            checks.append(("ECAM", try #require(column.rect("ecam")), plan.ecam.base.value, plan.ecam.size.value))
            for bar in [0, 1, 6] {
                let found = try #require(plan.function("gpu0")?.bar(bar), "gpu0 BAR\(bar) not in plan.json")
                let (address, size) = (try #require(found.address, "gpu0 BAR\(bar) unassigned").value, found.size.value)
                checks.append(("gpu0 BAR\(bar)", try #require(column.rect("gpu0", resource: "BAR\(bar)")), address, size))
            }
            for check in checks {
                #expect(check.rect.attributes["data-start"] == "0x" + String(check.start, radix: 16), "\(policy) \(check.what)")
                let bottom = check.rect.y + check.rect.height
                let start = column.address(atY: bottom), limit = column.address(atY: check.rect.y)
                #expect(abs(start - Double(check.start)) <= column.tolerance(atY: bottom),
                        "\(policy) \(check.what): drawn from \(UInt64(start)), plan.json says \(check.start)")
                #expect(abs(limit - Double(check.start + check.size)) <= column.tolerance(atY: check.rect.y),
                        "\(policy) \(check.what): drawn up to \(UInt64(limit)), plan.json says \(check.start + check.size)")
            }
            // The 16 GiB BAR is above 4 GiB (log part), the ROM below (linear part).
            #expect(try #require(column.rect("gpu0", resource: "BAR1")).y < column.y4G)
            #expect(try #require(column.rect("gpu0", resource: "BAR6")).y > column.y4G)
        }
    }

    @Test func svgIsByteIdenticalAcrossRunsAndBuildWritesTheSameOne() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(try example("hotplug-8").utf8).write(to: directory.appendingPathComponent("vm.toml"))
        #expect(try Guestfw.run(in: directory, ["compare", "vm.toml", "--svg", "a.svg"]).exitCode == 0)
        #expect(try Guestfw.run(in: directory, ["compare", "vm.toml", "--svg", "b.svg"]).exitCode == 0)
        let build = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"])
        #expect(build.exitCode == 0, "\(build.stderr)")
        let a = try Data(contentsOf: directory.appendingPathComponent("a.svg"))
        let b = try Data(contentsOf: directory.appendingPathComponent("b.svg"))
        let built = try Data(contentsOf: directory.appendingPathComponent("out/layout.svg"))
        #expect(!a.isEmpty && a == b)
        #expect(a == built, "build's layout.svg differs from compare --svg")
    }

    @Test func aPolicyWithNoLayoutIsDrawnAsItsReason() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(Self.tight.utf8).write(to: directory.appendingPathComponent("vm.toml"))
        let run = try Guestfw.run(in: directory, ["compare", "vm.toml", "--svg", "layout.svg"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("toolstack: no layout exists: the 32-bit window"))
        let text = try String(contentsOf: directory.appendingPathComponent("layout.svg"), encoding: .utf8)
        #expect(text.contains("No layout exists under the toolstack policy"))
        let document = SVGDocument(text)
        let toolstack = try #require(document.columns.first { $0.policy == "toolstack" })
        #expect(toolstack.rects.isEmpty)
        // hvmloader left the two 1 GiB BARs unassigned: listed under its column.
        #expect(text.contains(">big0 BAR0 mem32 1G<") && text.contains(">big0 BAR1 mem32 1G<"))
        #expect(try SVGTool.run("xmllint", ["--noout", "layout.svg"], in: directory).status == 0)
    }

    @Test func noLayoutUnderEitherPolicyIsStillADrawing() throws {
        let text = LayoutSVG.render(name: "none", columns: [.failed(policy: .hvmloader, message: "a < b & \"c\""),
                                                             .failed(policy: .toolstack, message: "no room")])
        #expect(text.contains("a &lt; b &amp; &quot;c&quot;"))
        #expect(SVGDocument(text).columns.map(\.policy) == ["hvmloader", "toolstack"])
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(text.utf8).write(to: directory.appendingPathComponent("none.svg"))
        #expect(try SVGTool.run("xmllint", ["--noout", "none.svg"], in: directory).status == 0)
    }

    /// Hazards and extension marks, set on plans the test builds (the planner fills them later).
    @Test func hazardsAndExtensionsAreMarked() throws {
        var hvmloader = try Self.plan("passthrough-gpu", .hvmloader)
        let toolstack = try Self.plan("passthrough-gpu", .toolstack)
        // The test sets every mark itself: clear the planner's own.
        for f in hvmloader.functions.indices {
            for b in hvmloader.functions[f].bars.indices { hvmloader.functions[f].bars[b].isExtension = false }
            hvmloader.functions[f].windows?.isExtension = false
        }
        hvmloader.hazards = [Hazard(kind: .ecamMisaligned, ids: ["ecam"], detail: "base not on a 256 MiB boundary"),
                             Hazard(kind: .ioUnprogrammed, ids: ["gpu0"], detail: "no room for its I/O BAR")]
        let gpu = try #require(hvmloader.functions.firstIndex { $0.id == "gpu0" })
        let bar1 = try #require(hvmloader.functions[gpu].bars.firstIndex { $0.index == 1 })
        hvmloader.functions[gpu].bars[bar1].isExtension = true
        let port = try #require(hvmloader.functions.firstIndex { $0.id == "rp1" })
        hvmloader.functions[port].windows?.isExtension = true
        // Two functions' BARs in one 4 KiB page, as hvmloader on Xen packs sub-page BARs.
        let nic = try #require(hvmloader.functions.firstIndex { $0.id == "nic0" })
        let nicBAR = try #require(hvmloader.functions[nic].bars.firstIndex { $0.index == 1 })
        let ahci = try #require(hvmloader.functions.firstIndex { $0.id == "ich9-ahci" })
        let ahciBAR = try #require(hvmloader.functions[ahci].bars.firstIndex { $0.index == 5 })
        hvmloader.functions[nic].bars[nicBAR].size = 0x800
        hvmloader.functions[ahci].bars[ahciBAR].size = 0x800
        hvmloader.functions[ahci].bars[ahciBAR].address = hvmloader.functions[nic].bars[nicBAR].address! + 0x800
        hvmloader.hazards.append(Hazard(kind: .sharedPage, ids: ["nic0", "ich9-ahci"], detail: "one page"))
        let text = LayoutSVG.render(name: "marks", columns: [.plan(hvmloader), .plan(toolstack)])
        let column = try #require(SVGDocument(text).columns.first { $0.policy == "hvmloader" })
        #expect(column.rect("ecam")?.attributes["data-hazards"] == "1")
        #expect(column.rect("ecam")?.attributes["stroke"] == "#d40000")
        #expect(column.rect("gpu0", resource: "BAR5")?.attributes["data-hazards"] == "2", "the I/O BAR")
        #expect(column.rect("gpu0", resource: "BAR0")?.attributes["data-hazards"] == nil)
        #expect(column.rect("nic0", resource: "BAR1")?.attributes["data-hazards"] == "3")
        #expect(column.rect("ich9-ahci", resource: "BAR5")?.attributes["data-hazards"] == "3")
        #expect(column.rect("nic0", resource: "BAR4")?.attributes["data-hazards"] == nil, "not in the shared page")
        for resource in ["BAR1"] { #expect(column.rect("gpu0", resource: resource)?.attributes["data-extension"] == "true") }
        for resource in ["mem-window", "pref-window", "io-window"] {
            #expect(column.rect("rp1", resource: resource)?.attributes["data-extension"] == "true", "rp1 \(resource)")
        }
        #expect(column.rect("gpu0", resource: "BAR3")?.attributes["data-extension"] == nil)
        #expect(text.contains("H1 ecam-misaligned (ecam): base not on a 256 MiB boundary"))
        #expect(text.contains("Extensions (4), hatched"))
        #expect(text.contains("fill=\"url(#extension-hatch)\""))
        let toolstackColumn = try #require(SVGDocument(text).columns.first { $0.policy == "toolstack" })
        #expect(toolstackColumn.rects.allSatisfy { $0.attributes["data-hazards"] == nil && $0.attributes["data-extension"] == nil })
    }

    // MARK: the side-by-side report

    @Test func reportSaysWhenThePoliciesDifferOnlyInWhatHvmloaderLeavesToTheGuest() throws {
        let toolstack = try Self.plan("passthrough-gpu", .toolstack)
        var hvmloader = toolstack
        hvmloader.policy = .hvmloader
        // Behind rp2: nic0's 64-bit BAR placed elsewhere and marked; gpu0's BAR3 left unassigned.
        let nic = try #require(hvmloader.functions.firstIndex { $0.id == "nic0" })
        let bar4 = try #require(hvmloader.functions[nic].bars.firstIndex { $0.index == 4 })
        hvmloader.functions[nic].bars[bar4].address = 0x9120_0000
        hvmloader.functions[nic].bars[bar4].isExtension = true
        let gpu = try #require(hvmloader.functions.firstIndex { $0.id == "gpu0" })
        let bar3 = try #require(hvmloader.functions[gpu].bars.firstIndex { $0.index == 3 })
        hvmloader.functions[gpu].bars[bar3].address = nil
        hvmloader.unassigned = [UnassignedResource(id: "gpu0", bar: 3, kind: "mem64", size: hvmloader.functions[gpu].bars[bar3].size)]
        let only = PlanComparison(hvmloader, toolstack)
        #expect(only.differsOnlyInWhatHvmloaderLeavesToTheGuest)
        let report = ComparisonReport.render(only)
        #expect(report.contains("The two layouts differ only in what hvmloader leaves to the guest"), "\(report)")
        #expect(report.contains("1 unassigned under hvmloader, 1 placed by guestfw behind a bridge and marked extension"))
        #expect(report.contains("0x91200000 (extension)"))

        // A different ECAM is a difference of its own.
        hvmloader.ecam?.base = 0xC000_0000
        let more = PlanComparison(hvmloader, toolstack)
        #expect(!more.differsOnlyInWhatHvmloaderLeavesToTheGuest)
        #expect(!ComparisonReport.render(more).contains("differ only"))

        // The real plans of this example differ in bus-0 BARs too.
        let real = PlanComparison(try Self.plan("passthrough-gpu", .hvmloader), toolstack)
        #expect(!real.differsOnlyInWhatHvmloaderLeavesToTheGuest)
    }

    // MARK: several descriptions

    @Test func severalDescriptionsGiveOneRowPerDescriptionAndPolicy() throws {
        let directory = try Self.collection()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["compare", "single.toml", "set,1"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "hvmloader vs toolstack over 4 descriptions")
        let rows = lines.filter { $0.hasPrefix("  single.toml") || $0.hasPrefix("  set,1/") }
        #expect(rows.count == 8, "\(run.stdout)")
        // Sorted, plan.json / toolstack.json and hidden files skipped, subdirectories searched.
        let order = rows.map { String($0.dropFirst(2).prefix { $0 != " " }) }
        #expect(order == ["single.toml", "single.toml", "set,1/a.toml", "set,1/a.toml", "set,1/b.json", "set,1/b.json",
                          "set,1/deep/tight.toml", "set,1/deep/tight.toml"])
        let tight = try #require(rows.first { $0.contains("tight.toml") && $0.contains("toolstack") })
        #expect(tight.contains("the 32-bit window") && tight.contains(" -  "))
        #expect(run.stdout.contains("1 of 8 plans have no layout"))
    }

    @Test func csvParsesIntoARowPerDescriptionAndPolicy() throws {
        let directory = try Self.collection()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["compare", "single.toml", "set,1", "--csv"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let records = try CSV.parse(run.stdout)
        #expect(records.count == 1 + 8)
        #expect(records.allSatisfy { $0.count == 15 }, "\(records.map(\.count))")
        let header = try #require(records.first)
        #expect(header.prefix(3) == ["config", "name", "policy"] && header.last == "error")
        let column = { (name: String) in header.firstIndex(of: name)! }
        #expect(records.dropFirst().map { $0[column("config")] }.contains("set,1/a.toml"), "a quoted comma")
        let tight = try #require(records.first { $0[column("config")] == "set,1/deep/tight.toml" && $0[column("policy")] == "toolstack" })
        #expect(tight[column("error")].hasPrefix("the 32-bit window"))
        #expect(tight[column("ecam_base")].isEmpty)
        let single = try #require(records.first { $0[column("config")] == "single.toml" && $0[column("policy")] == "hvmloader" })
        #expect(single[column("ecam_base")] == "0x80000000" && single[column("ecam_size")] == "0x10000000")
        #expect(single[column("hazards")] == "0" && single[column("error")].isEmpty)
    }

    @Test func aMissingFileAmongSeveralIsBadInput() throws {
        let directory = try Self.collection()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["compare", "single.toml", "missing.toml", "set,1", "--csv"])
        #expect(run.exitCode == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("guestfw: error: missing.toml: cannot read the file (no such file)"), "\(run.stderr)")
        let empty = try Guestfw.run(in: directory, ["compare", "set,1/deep/nothing"])
        #expect(empty.exitCode == 2 && empty.stderr.contains("set,1/deep/nothing: a directory with no VM description"), "\(empty.stderr)")
        let svg = try Guestfw.run(in: directory, ["compare", "set,1", "--svg", "x.svg"])
        #expect(svg.exitCode == 2 && svg.stderr.contains("--svg x.svg: draws one VM description, but 3 were given"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.svg").path))
    }

    // MARK: fixtures

    /// Two 1 GiB 32-bit BARs behind a root port: hvmloader leaves them unassigned, the toolstack has no layout.
    static let tight = """
        name = "tight"
        memory = "2G"
        [[root_port]]
        id = "rp1"
        [[device]]
        id = "big0"
        bus = "rp1"
        passthrough = "0000:65:00.0"
        bars = [ { bar = 0, size = "1G", kind = "mem32" }, { bar = 1, size = "1G", kind = "mem32" } ]

        """

    /// single.toml, and set,1/ with a.toml, b.json, deep/tight.toml, an empty deep/nothing/ and
    /// what must be skipped: plan.json, toolstack.json, .hidden.toml, notes.txt.
    static func collection() throws -> URL {
        let directory = try Guestfw.scratchDirectory()
        let set = directory.appendingPathComponent("set,1")
        try FileManager.default.createDirectory(at: set.appendingPathComponent("deep/nothing"), withIntermediateDirectories: true)
        let json = #"{ "name": "b", "memory": "1G", "device": [ { "id": "nic0", "model": "virtio-net-pci" } ] }"#
        let files = [
            "single.toml": try example("default"), "set,1/a.toml": try example("xen-large-bars"), "set,1/b.json": json,
            "set,1/deep/tight.toml": tight, "set,1/plan.json": "{}", "set,1/toolstack.json": "{}",
            "set,1/.hidden.toml": "not toml", "set,1/notes.txt": "notes",
        ]
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    static func plan(_ example: String, _ policy: PlacementPolicy) throws -> Plan {
        let config = try ConfigLoader.load(text: try GuestfwCLITests.example(example), file: "vm.toml", policyOverride: policy)
        return try Planner.plan(config)
    }

    func drawing(of name: String) throws -> SVGDocument {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(try example(name).utf8).write(to: directory.appendingPathComponent("vm.toml"))
        let run = try Guestfw.run(in: directory, ["compare", "vm.toml", "--svg", "layout.svg"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        return SVGDocument(try String(contentsOf: directory.appendingPathComponent("layout.svg"), encoding: .utf8))
    }
}

// MARK: reading the SVG back

struct SVGRect {
    var attributes: [String: String]
    var y: Double { Double(attributes["y"] ?? "") ?? .nan }
    var height: Double { Double(attributes["height"] ?? "") ?? .nan }
}

/// The column groups of a layout drawing, with their mapping parameters and data rectangles.
struct SVGDocument {
    struct Column {
        var attributes: [String: String]
        var rects: [SVGRect]

        var policy: String { attributes["data-policy"] ?? "" }
        var y4G: Double { Double(attributes["data-y4g"]!)! }
        var linearStart: Double { Double(UInt64(attributes["data-linear-start"]!.dropFirst(2), radix: 16)!) }
        var linearHeight: Double { Double(attributes["data-linear-height"]!)! }
        var logTop: Double { Double(UInt64(attributes["data-log-top"]!.dropFirst(2), radix: 16)!) }
        var logHeight: Double { Double(attributes["data-log-height"]!)! }

        /// The documented memory mapping, inverted: linear below 4 GiB, log2 above.
        func address(atY y: Double) -> Double {
            let four = 4294967296.0
            if y >= y4G { return four - (y - y4G) * (four - linearStart) / linearHeight }
            return pow(2, 32 + (y4G - y) * (log2(logTop) - 32) / logHeight)
        }

        /// What the SVG's three decimals can hold at this height, and a byte.
        func tolerance(atY y: Double) -> Double { abs(address(atY: y) - address(atY: y + 0.002)) + 1 }

        func rect(_ id: String, resource: String? = nil) -> SVGRect? {
            rects.first { $0.attributes["data-id"] == id && $0.attributes["data-resource"] == resource }
        }
    }

    var columns: [Column] = []

    init(_ text: String) {
        for chunk in text.components(separatedBy: "<g class=\"column\"").dropFirst() {
            let head = String(chunk.prefix { $0 != ">" })
            let body = chunk.components(separatedBy: "</g>").first ?? ""
            let rects = body.components(separatedBy: "<rect ").dropFirst().map { SVGRect(attributes: Self.attributes(String($0.prefix { $0 != ">" }))) }
            columns.append(Column(attributes: Self.attributes(head), rects: rects.filter { $0.attributes["data-id"] != nil }))
        }
    }

    static func attributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while let equals = rest.range(of: "=\"") {
            let name = rest[..<equals.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            let valueStart = equals.upperBound
            guard let close = rest[valueStart...].firstIndex(of: "\"") else { break }
            result[name] = String(rest[valueStart..<close])
            rest = rest[rest.index(after: close)...]
        }
        return result
    }
}

/// An RFC 4180 reader: records end with CRLF, a quoted field may hold commas, quotes ("") and line breaks.
enum CSV {
    struct Malformed: Error { var reason: String }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var quoted = false, wasQuoted = false
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty && !wasQuoted else { throw Malformed(reason: "a quote inside an unquoted field: \(field)") }
                quoted = true
                wasQuoted = true
            case ",":
                record.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                guard scalars.popFirst() == "\n" else { throw Malformed(reason: "CR without LF") }
                record.append(field)
                records.append(record)
                record = []
                field = ""
                wasQuoted = false
            case "\n":
                throw Malformed(reason: "a bare LF ends a record")
            default:
                guard !wasQuoted else { throw Malformed(reason: "text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted else { throw Malformed(reason: "an unterminated quote") }
        guard field.isEmpty && record.isEmpty else { throw Malformed(reason: "the last record does not end with CRLF") }
        return records
    }
}

/// xmllint and rsvg-convert, which `make test` installs (libxml2-utils, librsvg2-bin).
enum SVGTool {
    static func run(_ name: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let tool = try ProcessRunner.require(name, from: "libxml2-utils and librsvg2-bin")
        let result = try ProcessRunner.run(tool, arguments, in: directory, mergingOutput: true)
        return (result.status, result.stdout)
    }
}
