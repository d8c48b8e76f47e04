import ACPI
import Foundation

/// One set of raw ACPI tables, one per signature, with the file each was read from: the base
/// tables of a directory, or (QEMU's layout) those with one variant's own files in their place.
struct TableSet {
    var directory: String
    var tables: [String: [UInt8]] = [:]
    /// The file each table was read from.
    var paths: [String: String] = [:]

    /// The file a table was read from (the directory and signature when not known).
    func path(of signature: String) -> String {
        paths[signature] ?? (directory as NSString).appendingPathComponent(signature)
    }

    /// The name of the file a table was read from.
    func fileName(of signature: String) -> String {
        (path(of: signature) as NSString).lastPathComponent
    }

    /// This set with `files` in place of the tables of their signatures: what QEMU's
    /// bios-tables-test expects of a variant, its own `SIG.variant` file where it has one and the
    /// extension-less `SIG` otherwise.
    func overlaid(with files: [String: TableFile]) -> TableSet {
        var set = self
        for (signature, file) in files {
            set.tables[signature] = file.bytes
            set.paths[signature] = file.path
        }
        return set
    }

    mutating func add(_ signature: String, _ file: TableFile) throws(CommandError) {
        if let earlier = paths[signature] {
            throw .badInput("\(file.path): a second \(signature) table in \(directory) (the first is \((earlier as NSString).lastPathComponent)); accepted: one file per signature")
        }
        tables[signature] = file.bytes
        paths[signature] = file.path
    }
}

/// A table file's bytes, checked (header length and checksum), and where they came from.
struct TableFile {
    var path: String
    var bytes: [UInt8]

    static let accepted = "accepted: a readable raw ACPI table"

    static func read(_ path: String, signature: String) throws(CommandError) -> TableFile {
        let bytes = try ConfigInput.readFile(path, accepted: accepted)
        do {
            try TableCheck.check(bytes, signature: signature)
        } catch {
            throw .badInput("\(path): malformed \(signature) table: \(error)")
        }
        return TableFile(path: path, bytes: bytes)
    }
}
