import Foundation

/// One table set compared on both sides of `diff` in QEMU's layout: the base tables, or the
/// tables QEMU's test of one variant expects (TableDirectory says how they are found).
struct SetComparison {
    enum Presence { case both, onlyExpected, onlyActual }

    /// nil for the base set.
    var variant: String?
    var left: TableSet
    var right: TableSet
    var presence: Presence
    /// A verdict per signature; empty when the variant is on one side only.
    var tables: [TableComparison]
    /// The variant's own files on the side that has them (for a one-sided variant).
    var ownFiles: [String] = []

    var name: String { variant.map { "variant \($0)" } ?? "base" }

    var differs: Bool { presence != .both || tables.contains(where: \.differs) }

    /// One line for the set (same, which tables differ, or on one side only), then a line per
    /// table that is not simply the same, named by its files.
    var summaryLines: [String] {
        switch presence {
        case .onlyExpected: return ["\(name): MISSING from the actual set (\(ownFiles.joined(separator: ", ")))"]
        case .onlyActual: return ["\(name): NEW in the actual set (\(ownFiles.joined(separator: ", ")))"]
        case .both:
            let differing = tables.filter(\.differs)
            let head = differing.isEmpty
                ? "\(name): same (\(tables.count) tables)"
                : "\(name): DIFFERS in \(differing.map(\.signature).joined(separator: ", ")) (\(differing.count) of \(tables.count) tables)"
            return [head] + tables.filter { !$0.isSame }.map { "  " + $0.summary(label: label(of: $0)) }
        }
    }

    /// The file on each side: "DSDT.bridge" when both sides read the same name, "SRAT
    /// (SRAT.numamem -> SRAT)" when one side's variant has its own file and the other falls back.
    func label(of comparison: TableComparison) -> String {
        let expected = comparison.expected == nil ? nil : left.fileName(of: comparison.signature)
        let actual = comparison.actual == nil ? nil : right.fileName(of: comparison.signature)
        switch (expected, actual) {
        case let (expected?, actual?) where expected == actual: return expected
        case let (expected?, actual?): return "\(comparison.signature) (\(expected) -> \(actual))"
        default: return expected ?? actual ?? comparison.signature
        }
    }

    /// The base set (when either side has base tables), then every variant of either side in
    /// name order.
    static func compare(_ left: TableDirectory, _ right: TableDirectory) -> [SetComparison] {
        var sets: [SetComparison] = []
        if !left.base.tables.isEmpty || !right.base.tables.isEmpty {
            sets.append(SetComparison(variant: nil, left: left.base, right: right.base, presence: .both,
                                      tables: TableComparison.compare(left.base, right.base)))
        }
        for variant in Set(left.variants.keys).union(right.variants.keys).sorted() {
            let expected = left.variants[variant] ?? [:], actual = right.variants[variant] ?? [:]
            let leftSet = left.base.overlaid(with: expected), rightSet = right.base.overlaid(with: actual)
            let presence: Presence = expected.isEmpty ? .onlyActual : actual.isEmpty ? .onlyExpected : .both
            let own = (expected.isEmpty ? actual : expected).values.map(\.path).sorted()
            sets.append(SetComparison(
                variant: variant, left: leftSet, right: rightSet, presence: presence,
                tables: presence == .both ? TableComparison.compare(leftSet, rightSet) : [],
                ownFiles: presence == .both ? [] : own.map { ($0 as NSString).lastPathComponent }))
        }
        return sets
    }

    /// Every entry of either directory that no set compared, with the reason, the expected side's
    /// first, each in name order: what TableDirectory skipped, and the files of the variants on
    /// one side only.
    static func uncompared(_ sets: [SetComparison], _ left: TableDirectory, _ right: TableDirectory) -> [SkippedEntry] {
        func oneSided(_ side: TableDirectory, _ presence: Presence, other: TableDirectory) -> [SkippedEntry] {
            sets.filter { $0.presence == presence }.compactMap(\.variant).flatMap { variant in
                side.variants[variant, default: [:]].values.map {
                    SkippedEntry(path: $0.path, reason: "variant \(variant) has no files in \(other.directory)")
                }
            }
        }
        let expected = left.skipped + oneSided(left, .onlyExpected, other: right)
        let actual = right.skipped + oneSided(right, .onlyActual, other: left)
        return expected.sorted { $0.path < $1.path } + actual.sorted { $0.path < $1.path }
    }
}
