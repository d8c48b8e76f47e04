import ACPI
import Foundation

/// A directory of raw ACPI tables, one file per signature: `DSDT` (our naming and QEMU's
/// tests/data/acpi) or `DSDT.dat` (acpidump/iasl naming). Other files are not tables and are skipped.
struct TableSet {
    var directory: String
    var tables: [String: [UInt8]]
    /// The file each table was read from.
    var paths: [String: String] = [:]

    static func read(_ directory: String) throws(CommandError) -> TableSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .badInput("\(directory): no such directory; accepted: a directory of ACPI tables named by signature (DSDT, FACP, ... or DSDT.dat)")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var tables: [String: [UInt8]] = [:]
        var paths: [String: String] = [:]
        for name in names {
            guard let signature = signature(ofFile: name) else { continue }
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .badInput("\(path): cannot read the file")
            }
            let bytes = [UInt8](data)
            do {
                try TableCheck.check(bytes, signature: signature)
            } catch {
                throw .badInput("\(path): malformed \(signature) table: \(error)")
            }
            if tables[signature] != nil {
                throw .badInput("\(path): a second \(signature) table in \(directory); accepted: one file per signature")
            }
            tables[signature] = bytes
            paths[signature] = path
        }
        guard !tables.isEmpty else {
            throw .badInput("\(directory): holds no ACPI tables; accepted: files named by signature (DSDT, FACP, ... or DSDT.dat)")
        }
        return TableSet(directory: directory, tables: tables, paths: paths)
    }

    /// The file a table was read from (the directory and signature when not known).
    func path(of signature: String) -> String {
        paths[signature] ?? (directory as NSString).appendingPathComponent(signature)
    }

    /// "DSDT" or "DSDT.dat" → "DSDT"; anything else is not a table file.
    static func signature(ofFile name: String) -> String? {
        let base = name.hasSuffix(".dat") ? String(name.dropLast(4)) : name
        guard base.count == 4, base.allSatisfy({ ($0.isUppercase || $0.isNumber || $0 == "_") && $0.isASCII }) else { return nil }
        return base
    }
}
