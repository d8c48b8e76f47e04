import Foundation

/// Every entry of a directory given to `diff`, sorted by what `diff` does with it. Tables are named
/// by signature as guestfw and QEMU's tests/data/acpi name them (`DSDT`) or as acpidump and iasl do
/// (`DSDT.dat`). QEMU's tests also keep variants: `DSDT.bridge` is the DSDT that the test with
/// variant ".bridge" expects. Its bios-tables-test (load_expected_aml) opens `SIG` + variant for
/// each table the machine has and falls back to the extension-less `SIG` when that file is absent,
/// so a variant's table set is the base files with the variant's own in their place.
struct TableDirectory {
    var directory: String
    var base: TableSet
    /// Variant name (the suffix without its dot: "bridge", "tis.tpm2") → signature → file.
    var variants: [String: [String: TableFile]] = [:]
    /// Entries that are not compared, with the reason, in name order.
    var skipped: [SkippedEntry] = []

    static func read(_ directory: String) throws(CommandError) -> TableDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .badInput("\(directory): no such directory; accepted: \(acceptedNames)")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw .badInput("\(directory): cannot list the directory (\(ConfigInput.readableReason(error))); accepted: \(acceptedNames)")
        }
        var result = TableDirectory(directory: directory, base: TableSet(directory: directory))
        for name in names { try result.take(name) }
        guard !result.base.tables.isEmpty || !result.variants.isEmpty else {
            throw .badInput("\(directory): holds no ACPI tables; accepted: \(acceptedNames)")
        }
        return result
    }

    /// Reads the entry `name` as a base or variant table, or records why it is not compared.
    mutating func take(_ name: String) throws(CommandError) {
        let path = (directory as NSString).appendingPathComponent(name)
        let role = TableFileName.classify(name)
        switch Self.entryKind(path) {
        case .regular: break
        case .other(let kind):
            skipped.append(SkippedEntry(path: path, reason: kind == "a directory"
                ? "a directory (diff compares only the files directly inside the two directories)" : "\(kind), not a regular file"))
            return
        case .unreadable(let why):
            // Under a table's name, reading it says why it cannot be read, and stops the run.
            if role.signature == nil {
                skipped.append(SkippedEntry(path: path, reason: "cannot be read (\(why))"))
                return
            }
        }
        switch role {
        case .base(let signature):
            try base.add(signature, try TableFile.read(path, signature: signature))
        case .variant(let signature, let variant):
            variants[variant, default: [:]][signature] = try TableFile.read(path, signature: signature)
        case .notATable(let reason):
            skipped.append(SkippedEntry(path: path, reason: reason))
        }
    }

    static let acceptedNames = "a directory of ACPI tables named by signature (DSDT, FACP, ... or DSDT.dat), and QEMU's variants (DSDT.bridge)"

    enum EntryKind {
        case regular
        case other(String)
        case unreadable(String)
    }

    /// What the entry is, following symbolic links.
    static func entryKind(_ path: String) -> EntryKind {
        var status = stat()
        guard stat(path, &status) == 0 else { return .unreadable(ConfigInput.errnoReason()) }
        return ConfigInput.nonRegularKind(status.st_mode).map(EntryKind.other) ?? .regular
    }
}

/// A directory entry `diff` leaves alone, and why.
struct SkippedEntry: Equatable {
    var path: String
    var reason: String

    /// A line per reason, naming every entry with it, in the order the reasons first occur:
    /// `not compared, iasl's disassembly (.dsl), not a table: e/APIC.dsl, e/DSDT.dsl`.
    static func lines(_ entries: [SkippedEntry]) -> [String] {
        var reasons: [String] = []
        var paths: [String: [String]] = [:]
        for entry in entries {
            if paths[entry.reason] == nil { reasons.append(entry.reason) }
            paths[entry.reason, default: []].append(entry.path)
        }
        return reasons.map { "not compared, \($0): \(paths[$0]!.joined(separator: ", "))" }
    }
}

/// What a file's name says it holds.
enum TableFileName: Equatable {
    case base(signature: String)
    case variant(signature: String, variant: String)
    case notATable(reason: String)

    var signature: String? {
        switch self {
        case .base(let signature), .variant(let signature, _): signature
        case .notATable: nil
        }
    }

    /// Suffixes that are never variants: iasl's disassembly and the leftovers of patch and editors.
    static let notVariants: [(suffix: String, reason: String)] = [
        ("dsl", "iasl's disassembly (.dsl), not a table"),
        ("orig", "a patch or editor leftover (.orig), not a table"),
        ("rej", "a patch leftover (.rej), not a table"),
        ("bak", "a backup (.bak), not a table"),
    ]

    static func classify(_ name: String) -> TableFileName {
        let parts = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let head = String(parts[0])
        guard isSignature(head) else {
            return .notATable(reason: "not named by a table signature (DSDT, DSDT.dat, or a variant DSDT.bridge)")
        }
        guard parts.count == 2 else { return .base(signature: head) }
        let suffix = String(parts[1])
        if suffix == "dat" { return .base(signature: head) }
        if let known = notVariants.first(where: { suffix == $0.suffix || suffix.hasSuffix("." + $0.suffix) }) {
            return .notATable(reason: known.reason)
        }
        if name.hasSuffix("~") { return .notATable(reason: "an editor's backup (~), not a table") }
        guard isVariantName(suffix) else {
            return .notATable(reason: "an unknown suffix \".\(suffix)\" (a variant is named in lowercase letters, digits, '-', '_' and '.' as in QEMU's tests: DSDT.bridge, DSDT.tis.tpm2)")
        }
        return .variant(signature: head, variant: suffix)
    }

    static func isSignature(_ text: String) -> Bool {
        text.utf8.count == 4 && text.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// QEMU's variant suffixes: "bridge", "acpihmat-noinitiator", "tis.tpm2", "core-count2".
    static func isVariantName(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return false }
        func lowerOrDigit(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        return lowerOrDigit(first) && lowerOrDigit(last)
            && text.utf8.allSatisfy { lowerOrDigit($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}
