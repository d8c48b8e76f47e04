extension AML {
    /// A NameString (ACPI 6.5, 20.2.2): an optional root (`\`) or parent (`^`) prefix and
    /// dot-separated segments of up to four characters, each padded with `_` to four.
    ///
    /// Used as a term it is a reference to the named object. `AML.Path.null` is NullName, the
    /// "no target" of operators such as `And`.
    public struct Path: AMLTerm, Hashable {
        /// `\` for an absolute path, one `^` per parent step, or empty.
        public let prefix: String
        /// The segments, each exactly four characters.
        public let segments: [String]

        /// NullName: an empty name, written where an operator's target is omitted.
        public static let null = Path("")

        public init(_ path: String) {
            let (prefix, rest) = Self.splitPrefix(path)
            self.prefix = prefix
            let parts = rest.isEmpty ? [] : rest.split(separator: ".", omittingEmptySubsequences: false)
            self.segments = parts.map { Self.nameSeg(String($0), in: path) }
        }

        public var aml: [UInt8] {
            let segmentBytes = segments.flatMap { Array($0.utf8) }
            return Array(prefix.utf8) + namePathPrefix + segmentBytes
        }

        /// What says how many segments follow: nothing for one, DualNamePrefix for two,
        /// MultiNamePrefix and a count for more, NullName (0x00) for none.
        private var namePathPrefix: [UInt8] {
            switch segments.count {
            case 0: return [0x00]
            case 1: return []
            case 2: return [0x2E]
            default:
                precondition(segments.count <= 255, "AML: more than 255 segments in a name")
                return [0x2F, UInt8(segments.count)]
            }
        }

        private static func splitPrefix(_ path: String) -> (String, Substring) {
            if path.hasPrefix("\\") { return ("\\", path.dropFirst()) }
            let parents = path.prefix { $0 == "^" }
            return (String(parents), path.dropFirst(parents.count))
        }

        /// One NameSeg, padded to four characters. A lead character is `A`–`Z` or `_`, the others
        /// may also be digits; anything else is a bug in the caller, which builds names from code.
        static func nameSeg(_ segment: String, in path: String) -> String {
            let chars = Array(segment.utf8)
            let isLead = { (c: UInt8) in (0x41...0x5A).contains(c) || c == 0x5F }
            let isName = { (c: UInt8) in isLead(c) || (0x30...0x39).contains(c) }
            precondition((1...4).contains(chars.count) && isLead(chars[0]) && chars.allSatisfy(isName),
                         "AML: \"\(segment)\" in \"\(path)\" is not a name segment "
                             + "(1-4 of A-Z, 0-9, _; not starting with a digit)")
            return segment + String(repeating: "_", count: 4 - chars.count)
        }
    }
}
