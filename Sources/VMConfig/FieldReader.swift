/// Collects the errors of one decoding pass: the first `maximumReported` in full, and how many
/// more there were. A file with millions of unknown keys must not take minutes to format and
/// print millions of messages (nor to look for a spelling suggestion for each).
final class Diagnostics {
    static let maximumReported = 50

    let file: String
    private(set) var errors: [ConfigError] = []
    /// Errors found beyond the first `maximumReported`.
    private(set) var omitted = 0

    init(file: String) { self.file = file }

    var isEmpty: Bool { errors.isEmpty && omitted == 0 }
    /// True once no further error would be shown: callers may skip the work of describing one.
    var isFull: Bool { errors.count >= Self.maximumReported }

    var collected: ConfigErrors { ConfigErrors(errors, omitted: omitted) }

    func append(_ error: @autoclosure () -> ConfigError) {
        if isFull {
            omitted += 1
        } else {
            errors.append(error())
        }
    }

    func report(_ field: String, _ node: ConfigNode?, problem: String, accepted: String? = nil) {
        append(ConfigError(file: file, location: node?.location, field: field,
                           value: node.map { render($0.value) }, problem: problem, accepted: accepted))
    }

    func reportMissing(_ field: String, at location: TextPosition?, accepted: String) {
        append(ConfigError(file: file, location: location, field: field, value: nil,
                           problem: "is required", accepted: accepted))
    }

    /// `a + b` for two quantities the user wrote (an address and a size, say), or nil after
    /// reporting that the sum goes past 2^64 - 1 under `field`: a user's number must never trap.
    /// `what` names `b` in the message, e.g. "the ECAM's size".
    func sum(_ a: UInt64, _ b: UInt64, adding what: String, field: String, _ node: ConfigNode?, accepted: String) -> UInt64? {
        let (total, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return total }
        report(field, node, problem: "is out of range: adding \(what) (\(Quantity.format(b))) passes 2^64 - 1", accepted: accepted)
        return nil
    }
}

/// How a value is shown back to the user: as they would have written it, shortened when long
/// (a 400-digit number or a megabyte string is not echoed whole).
func render(_ value: ConfigValue) -> String {
    switch value {
    case .string(let text): return "\"" + shortened(text) + "\""
    case .integer(let number): return String(number)
    case .float(let number): return String(number)
    case .bool(let flag): return String(flag)
    case .array(let items): return items.count <= 4 ? shortened("[" + items.map { render($0.value) }.joined(separator: ", ") + "]") : "[...]"
    case .table: return "{...}"
    case .unusable(let literal): return shortened(literal.text)
    }
}

/// At most `limit` characters of `text`, then "...", and how long it was.
func shortened(_ text: String, limit: Int = 40) -> String {
    guard text.utf8.count > limit else { return text }
    var count = 0
    for _ in text.unicodeScalars { count += 1 }
    guard count > limit else { return text }
    let head = String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit)))
    let unit = text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "-" }) ? "digits" : "characters"
    return "\(head)... (\(count) \(unit))"
}

/// Reads the keys of one table, each at most once, and reports the keys nobody asked for:
/// a typo must not silently change a VM.
struct FieldReader {
    let table: ConfigTable
    let path: String
    let location: TextPosition?
    let diagnostics: Diagnostics
    let knownKeys: [String]
    /// The node of each known key present, found in one pass over the table: looking keys up in
    /// the table itself is linear, and a table with millions of (unknown) keys made every lookup
    /// slow.
    private let known: [String: ConfigNode]

    init(_ table: ConfigTable, path: String, location: TextPosition?, diagnostics: Diagnostics, knownKeys: [String]) {
        self.table = table
        self.path = path
        self.location = location
        self.diagnostics = diagnostics
        self.knownKeys = knownKeys
        // One pass, one hash a key: a table may hold millions of unknown keys.
        let knownSet = Set(knownKeys)
        var known: [String: ConfigNode] = [:]
        for entry in table.entries {
            if knownSet.contains(entry.key) {
                if known[entry.key] == nil { known[entry.key] = entry.node }
            } else {
                Self.reportUnknown(entry, path: path, knownKeys: knownKeys, diagnostics)
            }
        }
        self.known = known
    }

    func field(_ key: String) -> String { Self.field(key, in: path) }
    static func field(_ key: String, in path: String) -> String { path.isEmpty ? key : path + "." + key }
    func node(_ key: String) -> ConfigNode? { known[key] ?? (knownKeys.contains(key) ? nil : table[key]) }

    private static func reportUnknown(_ entry: ConfigTable.Entry, path: String, knownKeys: [String], _ diagnostics: Diagnostics) {
        // Past the reported errors only the count matters: no suggestion is looked for.
        diagnostics.append({
            var accepted = "the keys " + knownKeys.joined(separator: ", ")
            if let guess = closest(entry.key, among: knownKeys) { accepted = "did you mean \"\(guess)\"? " + accepted }
            return ConfigError(
                file: diagnostics.file, location: entry.keyLocation ?? entry.node.location, field: field(shortened(entry.key), in: path),
                value: nil, problem: "unknown key", accepted: accepted)
        }())
    }

    /// The node of `key`, or nil after refusing a null or an out-of-range number there, which
    /// no key takes (`ConfigValue.unusable`).
    private func usable(_ key: String, accepted: String?) -> ConfigNode? {
        guard let node = node(key) else { return nil }
        if case .unusable(let literal) = node.value {
            diagnostics.report(field(key), node, problem: literal.problem, accepted: accepted)
            return nil
        }
        return node
    }

    func string(_ key: String, accepted: String) -> String? {
        guard let node = usable(key, accepted: accepted) else { return nil }
        guard case .string(let text) = node.value else {
            diagnostics.report(field(key), node, problem: "must be a string, not \(node.value.typeName)", accepted: accepted)
            return nil
        }
        return text
    }

    func bool(_ key: String) -> Bool? {
        guard let node = usable(key, accepted: "true or false") else { return nil }
        guard case .bool(let flag) = node.value else {
            diagnostics.report(field(key), node, problem: "must be a boolean, not \(node.value.typeName)", accepted: "true or false")
            return nil
        }
        return flag
    }

    func integer(_ key: String, in range: ClosedRange<Int>, accepted: String) -> Int? {
        guard let node = usable(key, accepted: accepted) else { return nil }
        guard case .integer(let number) = node.value else {
            diagnostics.report(field(key), node, problem: "must be an integer, not \(node.value.typeName)", accepted: accepted)
            return nil
        }
        guard let value = Int(exactly: number), range.contains(value) else {
            diagnostics.report(field(key), node, problem: "is out of range", accepted: accepted)
            return nil
        }
        return value
    }

    /// A size or address: an integer, or a string like "2G" or "0xB0000000".
    func quantity(_ key: String, accepted: String) -> UInt64? {
        guard let node = usable(key, accepted: accepted) else { return nil }
        switch node.value {
        case .integer(let number) where number >= 0:
            return UInt64(number)
        case .string(let text):
            switch Quantity.read(text) {
            case .value(let value):
                return value
            case .outOfRange:
                diagnostics.report(field(key), node, problem: "is out of range (beyond 2^64 - 1)", accepted: accepted)
            case .invalid:
                diagnostics.report(field(key), node, problem: "is not a size or address (write e.g. \"2G\", \"512K\", \"0xB0000000\")", accepted: accepted)
            }
        case .integer:
            diagnostics.report(field(key), node, problem: "must not be negative", accepted: accepted)
        default:
            diagnostics.report(field(key), node, problem: "must be an integer or a string such as \"2G\", not \(node.value.typeName)", accepted: accepted)
        }
        return nil
    }

    func table(_ key: String) -> (ConfigTable, ConfigNode)? {
        guard let node = usable(key, accepted: nil) else { return nil }
        guard case .table(let inner) = node.value else {
            diagnostics.report(field(key), node, problem: "must be a table, not \(node.value.typeName)")
            return nil
        }
        return (inner, node)
    }

    func array(_ key: String) -> [ConfigNode]? {
        guard let node = usable(key, accepted: nil) else { return nil }
        guard case .array(let items) = node.value else {
            diagnostics.report(field(key), node, problem: "must be an array, not \(node.value.typeName)")
            return nil
        }
        return items
    }

    func reportMissing(_ key: String, accepted: String) {
        diagnostics.reportMissing(field(key), at: location, accepted: accepted)
    }
}

/// The known key nearest to a misspelt one, when it is near enough to be a likely typo.
func closest(_ key: String, among candidates: [String]) -> String? {
    if key.count >= 3, let extended = candidates.first(where: { $0.lowercased().hasPrefix(key.lowercased()) }) {
        return extended
    }
    let scored = candidates.map { ($0, editDistance(key.lowercased(), $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, key.count / 3) else { return nil }
    return best.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
