import ACPI
import ArgumentParser
import FirmwareImage
import Foundation
import Layout
import VMConfig

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Plan a VM and write plan.json, toolstack.json, its ACPI tables and its firmware image (for vmm = \"xen\" xl.cfg instead) into a directory.")

    @Argument(help: "The VM description (TOML, or JSON with a .json name); the built-in default VM when omitted.")
    var config: String?

    @Option(name: .shortAndLong, help: "The output directory (replaced only if guestfw wrote it or it is empty).")
    var output = "out"

    @OptionGroup var policyOption: PolicyOption

    @Flag(name: .long, help: "Print the built-in default VM as TOML, a starting point for your own, and write nothing.")
    var printDefault = false

    func run() throws {
        if printDefault {
            print(DefaultVM.toml, terminator: "")
            return
        }
        let machine = try ConfigInput.load(config, policy: policyOption.policy)
        let plan = try ConfigInput.plan(machine, file: config)
        let source = config ?? DefaultVM.fileName
        guard plan.isComplete else {
            let list = plan.unassigned.map { "\($0.id) \($0.bar.map { "BAR\($0) " } ?? "")\($0.kind) (\(Quantity.format($0.size)))" }
            throw CommandError.negative("\(source): the \(plan.policy.rawValue) policy left \(plan.unassigned.count) resource(s) unassigned, and a guest cannot boot that layout: \(list.joined(separator: ", ")); `guestfw plan` shows the layout, `--policy toolstack` may fit")
        }
        if plan.vmm == .qemu, let refusal = BuildOutputs.imageRefusal(plan) {
            throw CommandError.negative("\(source): \(refusal)")
        }
        let tables = try BuildOutputs.tables(plan, options: ACPIOptions(machine.tableIdentity), source: source)
        let disassembling = BackgroundTask { () throws(CommandError) in try BuildOutputs.disassembly(tables) }
        // Whatever ends the build, iasl's scratch directory is gone before it returns.
        defer { _ = try? disassembling.value() }
        var files: [(path: String, bytes: [UInt8])] = [
            ("plan.json", Array((plan.json.rendered() + "\n").utf8)),
            ("toolstack.json", Array((plan.toolstackJSON(machine).rendered() + "\n").utf8)),
        ]
        files += tables.map { ("acpi/\($0.signature)", $0.bytes) }
        // QEMU's q35 cannot run a Xen layout (hole, tables and E820 are Xen's), so a Xen build
        // gets the xl.cfg that produces it and no firmware image.
        var images: FirmwareImages?
        switch plan.vmm {
        case .qemu:
            let built = try BuildOutputs.firmware(plan, tables: tables, source: source)
            files += [("firmware.bin", built.flat), ("firmware.elf", built.elf)]
            images = built
        case .xen:
            files.append(("xl.cfg", Array(XLConfig(plan: plan, config: machine).text.utf8)))
        }
        files.append(("layout.svg", LayoutDrawing.file(machine, built: plan)))
        let disassembly = try disassembling.value()
        files += disassembly.map { ("acpi/\($0.key).dsl", Array($0.value.utf8)) }.sorted { $0.0 < $1.0 }
        try OutputDirectory(path: output).write(files)
        let acpi = "acpi/ (\(tables.count) tables\(disassembly.isEmpty ? "" : ", \(disassembly.count) .dsl"))"
        if let images {
            print("wrote \(output)/: plan.json, toolstack.json, layout.svg, \(acpi), firmware.bin (\(images.flat.count / 1024) KiB), firmware.elf")
        } else {
            print("wrote \(output)/: plan.json, toolstack.json, xl.cfg, layout.svg, \(acpi)")
            print("no firmware image: vmm = \"xen\" plans are booted by libxl and hvmloader (xl create \(output)/xl.cfg), and QEMU's q35 cannot run their layout")
        }
        if IASL.find() == nil {
            print("note: iasl not found on PATH, so the .dsl disassembly was skipped (install acpica-tools)")
        }
    }
}

/// The parts of a build that turn a Plan into bytes.
enum BuildOutputs {
    /// Why the firmware cannot apply a plan safely: every hazard it holds (the firmware programs
    /// PCIEXBAR with 256 MiB masks below 4 GiB and gives each BAR a page), or nil.
    static func imageRefusal(_ plan: Plan) -> String? {
        guard !plan.hazards.isEmpty else { return nil }
        return "the plan has \(plan.hazards.count) hazard(s) the firmware cannot apply safely, so no image is written: "
            + plan.hazards.map { "\($0.kind.rawValue) (\($0.detail))" }.joined(separator: "; ")
    }

    static func tables(_ plan: Plan, options: ACPIOptions, source: String) throws(CommandError) -> [PlacedTable] {
        let dsdt = ACPITable(signature: "DSDT", revision: DSDT.revision, body: DSDT.body(plan))
        if let slot = plan.memory.acpi.slot("DSDT"), UInt64(dsdt.length) > slot.capacity {
            throw .negative("\(source): the DSDT takes \(dsdt.length) bytes but the plan's ACPI area leaves it \(slot.capacity)")
        }
        do {
            return try ACPITables.tableSet(plan: plan, options: options, dsdt: dsdt)
        } catch {
            throw .badInput("\(source): \(error)")
        }
    }

    /// The boot code with this plan's hand-off block, at the start of the planned firmware ROM.
    /// The block carries the ACPI tables and the SMBIOS (BIOS Information), which the firmware
    /// copies alike.
    static func firmware(_ plan: Plan, tables: [PlacedTable], source: String) throws(CommandError) -> FirmwareImages {
        let block: [UInt8]
        do {
            block = try HandoffBlock.encode(plan: plan, tables: tables + SMBIOS.tables(plan))
        } catch {
            throw .negative("\(source): \(error)")
        }
        let bootCode = try BootCode.load()
        do {
            return try FirmwareImages.build(bootELF: bootCode, handoff: block, rom: plan.memory.firmwareROM)
        } catch {
            throw .negative("\(source): the firmware image: \(error)")
        }
    }

    /// iasl cannot disassemble an RSDP on its own, so it has no .dsl.
    static func disassembly(_ tables: [PlacedTable]) throws(CommandError) -> [String: String] {
        guard let iasl = IASL.find() else { return [:] }
        return try iasl.disassemble(tables.filter { $0.signature != "RSDP" }.map { ($0.signature, $0.bytes) })
    }
}
