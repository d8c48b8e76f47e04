import Testing
@testable import VMConfig

// MARK: - Helpers (also used by JSONReaderTests)

/// One step of a path into a tree: a key or an array index.
enum TreePathStep: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, Sendable {
    case key(String)
    case index(Int)
    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
}

/// The node at `path`, e.g. `treeNode(table, "device", 2, "bars")`; nil when the path leads nowhere.
func treeNode(_ table: ConfigTable, _ path: TreePathStep...) -> ConfigNode? {
    var current = ConfigNode(.table(table))
    for step in path {
        switch (step, current.value) {
        case (.key(let key), .table(let table)):
            guard let next = table[key] else { return nil }
            current = next
        case (.index(let index), .array(let elements)) where elements.indices.contains(index):
            current = elements[index]
        default:
            return nil
        }
    }
    return current
}

func treeEntry(_ table: ConfigTable, _ key: String) -> ConfigTable.Entry? {
    table.entries.first { $0.key == key }
}

func sourceAt(_ line: Int, _ column: Int) -> TextPosition {
    TextPosition(line: line, column: column)
}

/// The same tree with every location removed, to compare what two readers understood.
func withoutLocations(_ table: ConfigTable) -> ConfigTable {
    ConfigTable(table.entries.map { ConfigTable.Entry(key: $0.key, node: withoutLocations($0.node)) })
}

func withoutLocations(_ node: ConfigNode) -> ConfigNode {
    switch node.value {
    case .table(let table): ConfigNode(.table(withoutLocations(table)))
    case .array(let elements): ConfigNode(.array(elements.map(withoutLocations)))
    default: ConfigNode(node.value)
    }
}

/// A document that must be refused: where, and words the message must contain.
struct RejectedInput: Sendable, CustomTestStringConvertible {
    var source: String
    var line: Int
    var column: Int?
    var words: [String]

    init(_ source: String, line: Int = 1, column: Int? = nil, _ words: String...) {
        self.source = source
        self.line = line
        self.column = column
        self.words = words
    }

    var testDescription: String { source.debugDescription }

    func check(_ read: (String) throws(ConfigSyntaxError) -> ConfigTable) {
        do {
            let table = try read(source)
            Issue.record("expected an error, read \(table)")
        } catch {
            #expect(error.location.line == line, "\(error)")
            if let column { #expect(error.location.column == column, "\(error)") }
            for word in words {
                #expect(error.message.contains(word), "message: \(error.message)")
            }
        }
    }
}

private func read(_ text: String) throws(ConfigSyntaxError) -> ConfigTable {
    try TOMLReader.read(text)
}

/// The value of `key = <literal>`.
private func value(of literal: String) throws(ConfigSyntaxError) -> ConfigValue? {
    try read("key = \(literal)")["key"]?.value
}

// MARK: - Scalars

@Suite("TOML reader") struct TOMLReaderTests {
    /// Well formed but beyond 64 bits (or a double): read as values no key takes, which the
    /// decoder refuses under their key with what it accepts (`ConfigValue.unusable`).
    @Test(arguments: [
        ("9223372036854775808", UnusableLiteral.Kind.integerOutOfRange), ("-9223372036854775809", .integerOutOfRange),
        ("99999999999999999999999", .integerOutOfRange), ("0x8000000000000000", .integerOutOfRange),
        ("0b1_0000000000000000000000000000000000000000000000000000000000000000", .integerOutOfRange),
        ("1e400", .floatOutOfRange),
    ])
    func outOfRangeNumbersAreUnusable(literal: String, kind: UnusableLiteral.Kind) throws {
        let table = try TOMLReader.read("key = \(literal)")
        #expect(table["key"]?.value == .unusable(UnusableLiteral(kind, text: literal)))
        #expect(table["key"]?.location == sourceAt(1, 7))
    }

    @Test func arraysOfTablesCountTowardsTheElementLimit() throws {
        let text = String(repeating: "[[a]]\n", count: ReaderLimits.maximumArrayElements + 1)
        #expect(throws: ReaderLimits.tooManyArrayElements(at: sourceAt(ReaderLimits.maximumArrayElements + 1, 1))) {
            try TOMLReader.read(text)
        }
    }

    @Test func secondByteOrderMarkIsNamed() {
        #expect(throws: ConfigSyntaxError(
            "expected a key, found a byte-order mark (U+FEFF), which may only be the first 3 bytes of the file", at: sourceAt(2, 1))) {
            try TOMLReader.read("a = 1\n\u{FEFF}b = 2\n")
        }
    }


    @Test(arguments: [
        ("42", 42), ("+99", 99), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0),
        ("1_000", 1000), ("5_349_221", 5_349_221), ("53_49_221", 5_349_221), ("1_2_3_4_5", 12345),
        ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdeadbeef", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF),
        ("0x00ff", 255), ("0o01234567", 0o1234567), ("0o755", 0o755), ("0b11010110", 0b1101_0110),
        ("0b1_0", 2), ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
        ("0x7FFFFFFFFFFFFFFF", Int64.max), ("0o777777777777777777777", Int64.max),
    ] as [(String, Int64)])
    func integers(literal: String, expected: Int64) throws {
        #expect(try value(of: literal) == .integer(expected))
    }

    @Test(arguments: [
        ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6),
        ("-2E-2", -0.02), ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228),
        ("0.0", 0.0), ("+0.0", 0.0), ("0e0", 0.0), ("1e1_0", 1e10), ("0.1", 0.1), ("1E2", 100.0),
        ("inf", .infinity), ("+inf", .infinity), ("-inf", -.infinity), ("1.7976931348623157e308", .greatestFiniteMagnitude),
    ] as [(String, Double)])
    func floats(literal: String, expected: Double) throws {
        #expect(try value(of: literal) == .float(expected))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .float(let zero) = try value(of: "-0.0") else { Issue.record("not a float"); return }
        #expect(zero == 0 && zero.sign == .minus)
    }

    @Test(arguments: ["nan", "+nan", "-nan"])
    func notANumber(literal: String) throws {
        guard case .float(let value) = try value(of: literal) else { Issue.record("not a float"); return }
        #expect(value.isNaN)
    }

    @Test func booleans() throws {
        #expect(try value(of: "true") == .bool(true))
        #expect(try value(of: "false") == .bool(false))
    }

    @Test(arguments: [
        RejectedInput("key = 007", column: 7, "leading zeros"),
        RejectedInput("key = +007", "leading zeros"),
        RejectedInput("key = -01", "leading zeros"),
        RejectedInput("key = 01.5", "leading zeros"),
        RejectedInput("key = 1__000", "invalid integer '1__000'", "underscore"),
        RejectedInput("key = _1", "invalid integer"),
        RejectedInput("key = 1_", "invalid integer", "underscore"),
        RejectedInput("key = 0x", "invalid integer '0x'"),
        RejectedInput("key = 0x_1", "invalid integer"),
        RejectedInput("key = 0xG1", "invalid integer"),
        RejectedInput("key = 0b102", "invalid integer"),
        RejectedInput("key = 0o8", "invalid integer"),
        RejectedInput("key = 0X1F", "invalid integer"),
        RejectedInput("key = +0x1", "sign is not allowed"),
        RejectedInput("key = -0b1", "sign is not allowed"),
        RejectedInput("key = 1a", "invalid integer '1a'"),
        RejectedInput("key = -", "invalid number '-'"),
        RejectedInput("key = .7", "invalid float '.7'"),
        RejectedInput("key = 7.", "decimal point must have digits on both sides"),
        RejectedInput("key = 3.e+20", "decimal point must have digits on both sides"),
        RejectedInput("key = 1._5", "decimal point"),
        RejectedInput("key = 1.2.3", "invalid float '1.2.3'"),
        RejectedInput("key = 1e", "exponent"),
        RejectedInput("key = 1e+", "exponent"),
        RejectedInput("key = 1.5E", "exponent"),
        RejectedInput("key = 1e1.5", "exponent"),
        RejectedInput("key = gpu", column: 7, "invalid value 'gpu'", "quotes"),
        RejectedInput("key = True", "invalid value 'True'"),
        RejectedInput("key = truee", "invalid value 'truee'"),
        RejectedInput("key = infinity", "invalid value 'infinity'"),
        RejectedInput("key = e5", "quotes"),
    ])
    func rejectsBadNumbersAndWords(input: RejectedInput) {
        input.check(read)
    }

    @Test(arguments: [
        "1979-05-27T07:32:00Z", "1979-05-27T00:32:00.999999-07:00", "1979-05-27T07:32:00",
        "1979-05-27", "07:32:00", "00:32:00.999999", "1979-05-27 07:32:00Z",
    ])
    func rejectsDatesAndTimes(literal: String) {
        RejectedInput("a = 1\nkey = \(literal)", line: 2, column: 7, "date and time values are not supported")
            .check(read)
    }

    // MARK: - Strings

    @Test(arguments: [
        (#""hello""#, "hello"),
        (#""""#, ""),
        ("\"tab\there\"", "tab\there"),
        (#""\b\t\n\f\r\"\\""#, "\u{8}\t\n\u{C}\r\"\\"),
        (#""\u00E9\u00e9""#, "éé"),
        (#""\U0001F600""#, "😀"),
        (#""\u0041\U00000042""#, "AB"),
        (#""\u0000""#, "\u{0}"),
        (#""é and 漢字 😀""#, "é and 漢字 😀"),
        (#""a # not a comment""#, "a # not a comment"),
        (#"'C:\Users\nodejs\templates'"#, #"C:\Users\nodejs\templates"#),
        (#"'<\i\c*\s*>'"#, #"<\i\c*\s*>"#),
        (#"'Tom "Dubs" Preston'"#, #"Tom "Dubs" Preston"#),
        ("''", ""),
        ("'tab\there'", "tab\there"),
        ("\"\"\"\nRoses are red\nViolets are blue\"\"\"", "Roses are red\nViolets are blue"),
        ("\"\"\"\r\nline 1\r\nline 2\r\n\"\"\"", "line 1\nline 2\n"),
        ("\"\"\"\n\nfirst line kept empty\"\"\"", "\nfirst line kept empty"),
        ("\"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"", "The quick brown fox jumps over the lazy dog."),
        ("\"\"\"\\\n       The quick brown \\\n       fox.\\\n       \"\"\"", "The quick brown fox."),
        ("\"\"\"a \\   \n   b\"\"\"", "a b"),
        ("\"\"\"a \\\r\n   b\"\"\"", "a b"),
        (#""""Here are two quotation marks: "". Simple enough.""""#, #"Here are two quotation marks: "". Simple enough."#),
        (#"""""This," she said, "is just a pointless statement."""""#, #""This," she said, "is just a pointless statement.""#),
        (#""""a"""""#, #"a""#),
        (#""""a""""""#, #"a"""#),
        (#""""""""#, ""),
        (#""""\tx\u0041\"""""#, "\txA\""),
        ("'''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
         "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"),
        (#"''''That,' she said, 'is still pointless.''''"#, #"'That,' she said, 'is still pointless.'"#),
        (#"'''no \escapes\n or \ joins'''"#, #"no \escapes\n or \ joins"#),
        ("''''''", ""),
        ("'''a\r\nb'''", "a\nb"),
    ])
    func strings(literal: String, expected: String) throws {
        #expect(try value(of: literal) == .string(expected))
    }

    @Test(arguments: [
        RejectedInput("key = \"abc", column: 7, "unterminated string"),
        RejectedInput("key = \"abc\nother = 1", column: 7, "unterminated string", "end on the line where it starts", "\"\"\""),
        RejectedInput("key = \"abc\r\nother = 1", column: 7, "unterminated string"),
        RejectedInput("key = 'abc", column: 7, "unterminated string"),
        RejectedInput("key = 'abc\n'", column: 7, "unterminated string"),
        RejectedInput("\n\nkey = \"\"\"abc\n\nx = 1\n", line: 3, column: 7, "unterminated string", "multi-line"),
        RejectedInput("key = '''abc\n", column: 7, "unterminated string", "multi-line"),
        RejectedInput("key = \"a\\xb\"", column: 9, "invalid escape '\\x'"),
        RejectedInput("key = \"\\e\"", "invalid escape '\\e'"),
        RejectedInput("key = \"a\\ b\"", "invalid escape '\\ '"),
        RejectedInput("key = \"a\\", "invalid escape"),
        RejectedInput("key = \"\"\"a \\ b\"\"\"", "invalid escape '\\ '"),
        RejectedInput("key = \"\\u12\"", column: 8, "\\u must be followed by exactly 4 hexadecimal digits"),
        RejectedInput("key = \"\\U0001F60\"", "\\U must be followed by exactly 8"),
        RejectedInput("key = \"\\uD800\"", "U+D800 is not a Unicode scalar value"),
        RejectedInput("key = \"\\U00110000\"", "U+110000 is not a Unicode scalar value"),
        RejectedInput("key = \"\\UFFFFFFFF\"", "not a Unicode scalar value"),
        RejectedInput("key = \"a\u{01}b\"", column: 9, "control character U+0001", "not allowed in a string"),
        RejectedInput("key = \"a\rb\"", "control character U+000D"),
        RejectedInput("key = 'a\u{7F}'", column: 9, "control character U+007F"),
        RejectedInput("key = 'a\u{08}'", "control character U+0008"),
        RejectedInput("key = \"\"\"\na\u{00}\"\"\"", line: 2, column: 2, "control character U+0000"),
        RejectedInput("key = '''a\rb'''", "control character U+000D"),
        RejectedInput("key = \"\"\"a\"\"\"\"\"\"", "three quotes in a row"),
        RejectedInput("key = '''a''''''", "three quotes in a row"),
        RejectedInput("key = \"\"\"a\"\"\" b", "unexpected 'b' after the value"),
    ])
    func rejectsBadStrings(input: RejectedInput) {
        input.check(read)
    }

    // MARK: - Keys

    @Test func bareAndQuotedKeys() throws {
        let table = try read(
            #"""
            bare_key-1 = 1
            1234 = 2
            "127.0.0.1" = 3
            "ʎǝʞ" = 4
            'key2' = 5
            'quoted "value"' = 6
            "" = 7
            "esc\u0041ped" = 8
            """#)
        #expect(table.entries.map(\.key) == [
            "bare_key-1", "1234", "127.0.0.1", "ʎǝʞ", "key2", #"quoted "value""#, "", "escAped",
        ])
        #expect(table.entries.map(\.node.value) == (1...8 as ClosedRange<Int64>).map { .integer($0) })
    }

    @Test func dottedKeysCreateTables() throws {
        let table = try read(
            #"""
            name = "Orange"
            physical.color = "orange"
            physical.shape = "round"
            site."google.com" = true
            fruit . flavor   =   "banana"
            3.14159 = "pi"
            """#)
        #expect(table.entries.map(\.key) == ["name", "physical", "site", "fruit", "3"])
        #expect(treeNode(table, "physical", "color")?.value == .string("orange"))
        #expect(treeNode(table, "physical", "shape")?.value == .string("round"))
        #expect(treeNode(table, "site", "google.com")?.value == .bool(true))
        #expect(treeNode(table, "fruit", "flavor")?.value == .string("banana"))
        #expect(treeNode(table, "3", "14159")?.value == .string("pi"))
        // An implicit table stands where its key does; its keys stand where each part is written.
        #expect(table["physical"]?.location == sourceAt(2, 1))
        #expect(treeEntry(table, "fruit")?.keyLocation == sourceAt(5, 1))
        guard case .table(let fruit) = table["fruit"]?.value else { Issue.record("no table"); return }
        #expect(treeEntry(fruit, "flavor")?.keyLocation == sourceAt(5, 9))
        #expect(fruit["flavor"]?.location == sourceAt(5, 22))
    }

    @Test(arguments: [
        RejectedInput("= 1", column: 1, "expected a key, found '='"),
        RejectedInput("a 1", column: 3, "expected '=' after the key 'a', found '1'"),
        RejectedInput("key with space = 1", column: 5, "expected '='"),
        RejectedInput("a. = 1", column: 4, "expected a key"),
        RejectedInput("a..b = 1", column: 3, "expected a key"),
        RejectedInput("a.\"b c\" 1", "expected '=' after the key 'a.\"b c\"'"),
        RejectedInput("key =", column: 6, "missing value for the key 'key'"),
        RejectedInput("key =   # comment", column: 9, "missing value"),
        RejectedInput("a.b =\nc = 1", line: 1, "missing value for the key 'a.b'"),
        RejectedInput("\"\"\"a\"\"\" = 1", "a key cannot be a multi-line string"),
        RejectedInput("'''a''' = 1", "a key cannot be a multi-line string"),
        RejectedInput("\"a\nb\" = 1", "unterminated string"),
        RejectedInput("a = 1 b = 2", column: 7, "unexpected 'b' after the value; expected the end of the line"),
        RejectedInput("a = \"x\" y", column: 9, "after the value"),
        RejectedInput("a = [1] ]", "unexpected ']' after the value"),
        RejectedInput("a = 1,", "unexpected ','"),
        RejectedInput("a = @", column: 5, "expected a value, found '@'"),
        RejectedInput("a = é", "expected a value, found 'é'"),
        RejectedInput("\u{01}a = 1", column: 1, "expected a key, found control character U+0001"),
        RejectedInput("a = 1\rb = 2", column: 6, "carriage return"),
        RejectedInput("a = 1 # bell \u{07} here", column: 14, "control character U+0007", "comment"),
        RejectedInput("# \u{7F}", column: 3, "control character U+007F"),
        RejectedInput("# a\rb", "control character U+000D"),
    ])
    func rejectsBadKeysAndLines(input: RejectedInput) {
        input.check(read)
    }

    @Test func tooManyKeyPartsAreRefused() {
        let key = Array(repeating: "a", count: TOMLParser.maximumKeyParts + 1).joined(separator: ".")
        RejectedInput("\(key) = 1", "at most \(TOMLParser.maximumKeyParts) dotted parts").check(read)
        RejectedInput("[\(key)]", "at most").check(read)
    }

    // MARK: - Duplicates and redefinitions

    @Test(arguments: [
        RejectedInput("a = 1\na = 2", line: 2, column: 1, "duplicate key 'a'", "line 1"),
        RejectedInput("a = 1\n\"a\" = 2", line: 2, "duplicate key 'a'"),
        RejectedInput("a = 1\n'a' = 2", line: 2, "duplicate key 'a'"),
        RejectedInput("a.b = 1\na.b = 2", line: 2, column: 3, "duplicate key 'a.b'", "line 1"),
        RejectedInput("a.b = 1\na = 2", line: 2, "duplicate key 'a'"),
        RejectedInput("[t]\nx = 1\n\n x = 2", line: 4, column: 2, "duplicate key 't.x'", "line 2"),
        RejectedInput("[t]\nx = {}\nx.y = 2", line: 3, "inline table", "line 2"),
        RejectedInput("a = 1\na.b = 2", line: 2, "cannot use 'a' as a table: it is already an integer (line 1)"),
        RejectedInput("a = \"s\"\n[a]", line: 2, "cannot use 'a' as a table: it is already a string"),
        RejectedInput("[a]\nb = 1\n[a.b]", line: 3, "already an integer"),
        RejectedInput("[a]\nb = 1\n[a.b.c]", line: 3, "cannot use 'a.b' as a table"),
        RejectedInput("[a]\n[a]", line: 2, column: 1, "the table [a] is defined twice: first on line 1"),
        RejectedInput("[a.b]\n[a]\n[a.b]", line: 3, "[a.b] is defined twice"),
        RejectedInput("[a.b]\n[a]\n[a]", line: 3, "[a] is defined twice: first on line 2"),
        RejectedInput("a.b = 1\n[a]", line: 2, "the table [a] cannot be defined here: dotted keys already defined it on line 1"),
        RejectedInput("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple]", line: 4, "dotted keys"),
        RejectedInput("[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]", line: 3, "dotted keys"),
        // toml-lang/toml#846: dotted keys may not reach into tables that headers defined.
        RejectedInput("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", line: 4, column: 1, "cannot add to the table 'a.b'", "header on line 1"),
        RejectedInput("[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1", line: 4, "dotted key"),
        RejectedInput("t = { a = 1, a = 2 }", column: 14, "duplicate key 'a'"),
        RejectedInput("t = { a.b = 1, a = 2 }", "duplicate key 'a'"),
        RejectedInput("t = { a = {}, a.b = 1 }", column: 15, "cannot add to 'a': it is an inline table"),
    ])
    func rejectsDuplicatesAndRedefinitions(input: RejectedInput) {
        input.check(read)
    }

    @Test(arguments: [
        RejectedInput("a = { x = 1 }\n[a]", line: 2, column: 2, "cannot add to 'a': it is an inline table (line 1)"),
        RejectedInput("a = { x = 1 }\n[a.b]", line: 2, "inline table"),
        RejectedInput("a = { x = 1 }\na.y = 2", line: 2, column: 1, "inline table"),
        RejectedInput("a = { x = 1 }\n[[a]]", line: 2, "inline table"),
        RejectedInput("a = { x = { y = 1 } }\n[a.x]", line: 2, "cannot add to 'a': it is an inline table"),
        RejectedInput("a = [1]\n[a.b]", line: 2, "cannot add to 'a': it is an array (line 1), not an array of tables"),
        RejectedInput("a = [1]\na.b = 1", line: 2, "not an array of tables"),
        RejectedInput("a = [{ b = 1 }]\n[a.c]", line: 2, "not an array of tables"),
        RejectedInput("a = [1]\n[[a]]", line: 2, column: 1, "[[a]] cannot append to 'a': it is a static array (line 1)"),
        RejectedInput("a = []\n[[a]]", line: 2, "static array"),
        RejectedInput("[[a]]\n[a]", line: 2, "[a] cannot define a table: 'a' is an array of tables (line 1)"),
        RejectedInput("[a]\n[[a]]", line: 2, "[[a]] cannot define an array of tables: 'a' is already a table (line 1)"),
        RejectedInput("[a.b]\n[[a]]", line: 2, "already a table"),
        RejectedInput("[fruit.physical]\n[[fruit]]", line: 2, "already a table"),
        RejectedInput("[[a]]\nb = 1\nb.c = 2", line: 3, "already an integer"),
        RejectedInput("[[a]]\n[[a.b]]\n[a.b]", line: 3, "array of tables"),
        RejectedInput("[[x.a]]\n[x]\na.b = 1", line: 3, column: 1, "cannot add to 'x.a'", "dotted key", "array of tables (line 1)"),
        RejectedInput("[[a]]\n[x]\n[[x.a]]\n[x]", line: 4, "defined twice"),
    ])
    func rejectsAddingToFinishedValues(input: RejectedInput) {
        input.check(read)
    }

    // MARK: - Tables and arrays of tables

    @Test func tablesNestAndKeepSourceOrder() throws {
        let table = try read(
            """
            top = 1
            [server]
            host = "a"
            [server.tls]
            port = 443
              [ database . "main db" ]   # spaces around the parts
            user = "u"
            [empty]
            """)
        #expect(table.entries.map(\.key) == ["top", "server", "database", "empty"])
        #expect(treeNode(table, "server", "host")?.value == .string("a"))
        #expect(treeNode(table, "server", "tls", "port")?.value == .integer(443))
        #expect(treeNode(table, "database", "main db", "user")?.value == .string("u"))
        #expect(treeNode(table, "empty")?.value == .table(ConfigTable()))
        // A table stands where its header does.
        #expect(table["server"]?.location == sourceAt(2, 1))
        #expect(treeNode(table, "server", "tls")?.location == sourceAt(4, 1))
        #expect(treeNode(table, "database", "main db")?.location == sourceAt(6, 3))
        #expect(treeEntry(table, "server")?.keyLocation == sourceAt(2, 2))
    }

    @Test func quotedHeaderKeys() throws {
        let table = try read("[\"a.b\"]\nx = 1\n['c d'.e]\ny = 2")
        #expect(table.entries.map(\.key) == ["a.b", "c d"])
        #expect(treeNode(table, "a.b", "x")?.value == .integer(1))
        #expect(treeNode(table, "c d", "e", "y")?.location == sourceAt(4, 5))
        guard case .table(let cd) = table["c d"]?.value else { Issue.record("no table"); return }
        #expect(treeEntry(cd, "e")?.keyLocation == sourceAt(3, 8))
    }

    @Test func superTablesMayBeDefinedAfterTheirSubTables() throws {
        let table = try read(
            """
            [x.y.z.w]
            a = 1
            [x]
            b = 2
            """)
        #expect(treeNode(table, "x", "y", "z", "w", "a")?.value == .integer(1))
        #expect(treeNode(table, "x", "b")?.value == .integer(2))
        guard case .table(let x) = table["x"]?.value else { Issue.record("no table"); return }
        #expect(x.entries.map(\.key) == ["y", "b"])
        // Once defined by its own header, the table stands there.
        #expect(table["x"]?.location == sourceAt(3, 1))
        #expect(treeEntry(table, "x")?.keyLocation == sourceAt(3, 2))
        // The implicit tables on the way stand at the header that created them.
        #expect(treeNode(table, "x", "y")?.location == sourceAt(1, 1))
    }

    @Test func headersMayAddSubTablesToDottedTables() throws {
        let table = try read(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(treeNode(table, "fruit", "apple", "color")?.value == .string("red"))
        #expect(treeNode(table, "fruit", "apple", "taste", "sweet")?.value == .bool(true))
        #expect(treeNode(table, "fruit", "apple", "texture", "smooth")?.value == .bool(true))
    }

    @Test func arraysOfTablesStandAtTheirHeaders() throws {
        let table = try read(
            """
            [[device]]
            id = "nic0"

            [[device]]
            id = "shm0"
            size = 8

            [[device]]
            """)
        guard case .array(let devices) = table["device"]?.value else { Issue.record("no array"); return }
        #expect(devices.count == 3)
        #expect(devices.map(\.location) == [sourceAt(1, 1), sourceAt(4, 1), sourceAt(8, 1)])
        #expect(table["device"]?.location == sourceAt(1, 1))
        #expect(treeEntry(table, "device")?.keyLocation == sourceAt(1, 3))
        #expect(treeNode(table, "device", 1, "size")?.value == .integer(8))
        #expect(treeNode(table, "device", 1, "size")?.location == sourceAt(6, 8))
        #expect(treeNode(table, "device", 2)?.value == .table(ConfigTable()))
    }

    @Test func subTablesGoIntoTheLastElement() throws {
        // The example of the TOML 1.0 specification.
        let table = try read(
            """
            [[fruits]]
            name = "apple"

            [fruits.physical]  # subtable
            color = "red"
            shape = "round"

            [[fruits.varieties]]  # nested array of tables
            name = "red delicious"

            [[fruits.varieties]]
            name = "granny smith"

            [[fruits]]
            name = "banana"

            [[fruits.varieties]]
            name = "plantain"
            """)
        #expect(treeNode(table, "fruits", 0, "name")?.value == .string("apple"))
        #expect(treeNode(table, "fruits", 0, "physical", "color")?.value == .string("red"))
        #expect(treeNode(table, "fruits", 0, "varieties", 1, "name")?.value == .string("granny smith"))
        #expect(treeNode(table, "fruits", 0, "varieties", 1)?.location == sourceAt(11, 1))
        #expect(treeNode(table, "fruits", 1, "name")?.value == .string("banana"))
        #expect(treeNode(table, "fruits", 1, "varieties", 0, "name")?.value == .string("plantain"))
        #expect(treeNode(table, "fruits", 1, "varieties", 0)?.location == sourceAt(17, 1))
        guard case .table(let first) = treeNode(table, "fruits", 0)?.value else { Issue.record("no table"); return }
        #expect(first.entries.map(\.key) == ["name", "physical", "varieties"])
    }

    @Test func dottedKeysInsideArrayElements() throws {
        let table = try read(
            """
            [[port]]
            reserve.bus = 1
            reserve.mem = "2M"
            [port.reserve.extra]
            io = 0
            [[port]]
            reserve.bus = 2
            """)
        #expect(treeNode(table, "port", 0, "reserve", "mem")?.value == .string("2M"))
        #expect(treeNode(table, "port", 0, "reserve", "extra", "io")?.value == .integer(0))
        #expect(treeNode(table, "port", 1, "reserve", "bus")?.value == .integer(2))
    }

    @Test(arguments: [
        RejectedInput("[]", column: 2, "expected a key, found ']'"),
        RejectedInput("[a", column: 3, "expected ']' to close the table header"),
        RejectedInput("[a\n", "expected ']'"),
        RejectedInput("[[a]", column: 4, "expected ']]' to close the table header"),
        RejectedInput("[[a] ]", "expected ']]'"),
        RejectedInput("[a]]", column: 4, "unexpected ']' after the table header"),
        RejectedInput("[a] b = 1", column: 5, "after the table header"),
        RejectedInput("[a.]", "expected a key"),
        RejectedInput("[a b]", "expected ']'"),
    ])
    func rejectsBadHeaders(input: RejectedInput) {
        input.check(read)
    }

    // MARK: - Arrays

    @Test func arrays() throws {
        let table = try read(
            """
            integers = [ 1, 2, 3 ]
            colors = [ "red", 'yellow', \"\"\"green\"\"\" ]
            nested = [ [ 1, 2 ], [3, 4, 5] ]
            mixed = [ 0.1, 2, "three", true, { x = 1 }, [] ]
            empty = []
            blank = [

            ]
            """)
        #expect(table["integers"]?.value == .array([
            ConfigNode(.integer(1), at: sourceAt(1, 14)), ConfigNode(.integer(2), at: sourceAt(1, 17)),
            ConfigNode(.integer(3), at: sourceAt(1, 20)),
        ]))
        #expect(treeNode(table, "colors", 2)?.value == .string("green"))
        #expect(treeNode(table, "nested", 1, 2)?.value == .integer(5))
        #expect(treeNode(table, "mixed", 2)?.value == .string("three"))
        #expect(treeNode(table, "mixed", 4, "x")?.value == .integer(1))
        #expect(treeNode(table, "mixed", 5)?.value == .array([]))
        #expect(table["empty"]?.value == .array([]))
        #expect(table["blank"]?.value == .array([]))
    }

    @Test func multiLineArraysWithCommentsAndTrailingComma() throws {
        let table = try read(
            """
            bars = [   # one per BAR
              1,       # first
              # a comment line
              2
              ,
              "three",
            ]
            after = true
            """)
        guard case .array(let bars) = table["bars"]?.value else { Issue.record("no array"); return }
        #expect(bars.map(\.value) == [.integer(1), .integer(2), .string("three")])
        #expect(bars.map(\.location) == [sourceAt(2, 3), sourceAt(4, 3), sourceAt(6, 3)])
        #expect(table["bars"]?.location == sourceAt(1, 8))
        #expect(table["after"]?.location == sourceAt(8, 9))
    }

    @Test(arguments: [
        RejectedInput("a = [1, 2", column: 10, "unterminated array", "line 1"),
        RejectedInput("a = [\n1,\n2\n", line: 4, "unterminated array", "line 1"),
        RejectedInput("a = [1 2]", column: 8, "expected ',' or ']' after an array element, found '2'"),
        RejectedInput("a = [,]", column: 6, "expected a value, found ','"),
        RejectedInput("a = [1,,2]", column: 8, "expected a value, found ','"),
        RejectedInput("a = [1, # c \u{01}\n]", "control character U+0001", "comment"),
        RejectedInput("a = [1\r2]", "expected ',' or ']'", "U+000D"),
    ])
    func rejectsBadArrays(input: RejectedInput) {
        input.check(read)
    }

    @Test func deepNestingIsRefused() {
        let depth = TOMLParser.maximumNesting + 1
        RejectedInput("a = " + String(repeating: "[", count: depth), "nested more than").check(read)
        RejectedInput("a = " + String(repeating: "{ b = ", count: depth), "nested more than").check(read)
        let allowed = TOMLParser.maximumNesting
        #expect(throws: Never.self) {
            try read("a = " + String(repeating: "[", count: allowed) + String(repeating: "]", count: allowed))
        }
    }

    // MARK: - Inline tables

    @Test func inlineTables() throws {
        let table = try read(
            """
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            animal = { type.name = "pug", type.size = 3 }
            empty = {}
            spaced = {   }
            nested = { a = { b = { c = 1 } } }
            list = { values = [
              1,
              2,
            ], after = true }
            """)
        #expect(treeNode(table, "name", "last")?.value == .string("Preston-Werner"))
        #expect(treeNode(table, "name", "last")?.location == sourceAt(1, 32))
        #expect(treeNode(table, "point", "y")?.value == .integer(2))
        #expect(treeNode(table, "animal", "type", "size")?.value == .integer(3))
        #expect(treeNode(table, "empty")?.value == .table(ConfigTable()))
        #expect(treeNode(table, "spaced")?.value == .table(ConfigTable()))
        #expect(treeNode(table, "nested", "a", "b", "c")?.value == .integer(1))
        #expect(treeNode(table, "list", "values", 1)?.location == sourceAt(9, 3))
        #expect(treeNode(table, "list", "after")?.value == .bool(true))
        guard case .table(let name) = table["name"]?.value else { Issue.record("no table"); return }
        #expect(name.entries.map(\.key) == ["first", "last"])
        #expect(treeEntry(name, "last")?.keyLocation == sourceAt(1, 25))
    }

    @Test(arguments: [
        RejectedInput("t = { a = 1, }", column: 14, "a trailing comma is not allowed in an inline table"),
        RejectedInput("t = { a = 1,\n b = 2 }", column: 13, "must be closed on the line where it starts"),
        RejectedInput("t = {\n a = 1 }", column: 6, "must be closed on the line"),
        RejectedInput("t = { a = 1", column: 12, "must be closed"),
        RejectedInput("t = { a = 1 # c\n}", "must be closed"),
        RejectedInput("t = { a = 1 b = 2 }", column: 13, "expected ',' or '}' in an inline table, found 'b'"),
        RejectedInput("t = { a }", "expected '=' after the key 'a'"),
        RejectedInput("t = { a = }", column: 11, "expected a value, found '}'"),
        RejectedInput("t = { , }", column: 7, "expected a key, found ','"),
    ])
    func rejectsBadInlineTables(input: RejectedInput) {
        input.check(read)
    }

    // MARK: - Documents, comments, line breaks, locations

    @Test func emptyDocuments() throws {
        #expect(try read("") == ConfigTable())
        #expect(try read("\n\n   \n\t\n") == ConfigTable())
        #expect(try read("# only a comment") == ConfigTable())
        #expect(try read("# one\n  # two\r\n") == ConfigTable())
    }

    @Test func commentsEverywhere() throws {
        let table = try read(
            """
            # full-line comment
            key = "value"  # after a value
            [t] # after a header
            other = "# not a comment" # but this is ##
            \tindented = 1\t# tabs are blank space
            """)
        #expect(table["key"]?.value == .string("value"))
        #expect(treeNode(table, "t", "other")?.value == .string("# not a comment"))
        #expect(treeNode(table, "t", "indented")?.location == sourceAt(5, 13))
    }

    @Test func windowsLineBreaks() throws {
        let table = try read("a = 1\r\n\r\n[t]\r\nb = \"x\" # c\r\nc = [\r\n 1,\r\n]\r\n")
        #expect(treeNode(table, "t", "b")?.location == sourceAt(4, 5))
        #expect(treeNode(table, "t", "c", 0)?.location == sourceAt(6, 2))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let table = try read("\u{FEFF}a = 1")
        #expect(table["a"]?.location == sourceAt(1, 5))
        #expect(treeEntry(table, "a")?.keyLocation == sourceAt(1, 1))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let table = try read("\"é\" = \"ü\"\n\"😀\" = [\"漢字\", 2]")
        #expect(treeEntry(table, "é")?.keyLocation == sourceAt(1, 1))
        #expect(table["é"]?.location == sourceAt(1, 7))
        #expect(treeNode(table, "😀", 1)?.location == sourceAt(2, 14))
    }

    @Test func keyAndValueLocations() throws {
        let table = try read(
            """
            name = "x"
                count   =   3
            [section]
              flag = false
            """)
        #expect(treeEntry(table, "name")?.keyLocation == sourceAt(1, 1))
        #expect(table["name"]?.location == sourceAt(1, 8))
        #expect(treeEntry(table, "count")?.keyLocation == sourceAt(2, 5))
        #expect(table["count"]?.location == sourceAt(2, 17))
        #expect(treeNode(table, "section", "flag")?.location == sourceAt(4, 10))
    }

    // MARK: - The example of DESIGN.md

    static let designExample = """
        name = "gpu-host"
        vmm = "qemu"                 # "qemu": QEMU q35 rules (RAM split decided by QEMU, no relocation)
                                     # "xen":  libxl/hvmloader rules (MMIO hole may grow, RAM may move high)
        memory = "6G"
        vcpus = 4
        phys_bits = 40               # guest physical address width; default 40

        [ecam]
        policy = "hvmloader"         # "hvmloader": decided as firmware would at boot
                                     # "toolstack": fixed before boot (base required, or chosen by the toolstack rule)
        buses = 256                  # 64 | 128 | 256  (Q35 PCIEXBAR lengths 64/128/256 MiB)
        # base = "0xB0000000"        # toolstack: the window the toolstack fixes

        [mmio]                       # optional knobs, all honoured exactly when given
        # hole = "1G"                # size of the 32-bit MMIO hole (xl.cfg's mmio_hole)
        # window64 = "64G"           # size of the 64-bit window
        # relocate_ram = false       # xen + hvmloader policy: may the hole grow into RAM (moved above 4 GiB)?

        [[root_port]]
        id = "rp1"
        # addr = "10.0"              # device.function on bus 0; assigned when omitted
        hotplug = true
        # reserve = { bus = 1, io = "0", mem = "2M", pref64 = "1G" }   # hot-plug reservation
                                     # (rp2 and rp3 are declared the same way)

        [[device]]
        id = "nic0"
        model = "virtio-net-pci"     # a model from the built-in catalog of QEMU devices
        bus = "rp1"                  # a root port id; omitted = integrated endpoint on bus 0

        [[device]]
        id = "shm0"
        model = "ivshmem-plain"
        size = "8G"                  # model parameter: the shared-memory BAR's size
        bus = "rp2"

        [[device]]
        id = "gpu0"
        bus = "rp3"
        passthrough = "0000:65:00.0" # host BDF (informational); BARs given explicitly:
        bars = [
          { bar = 0, size = "16M", kind = "mem32" },
          { bar = 1, size = "32G", kind = "mem64", prefetchable = true },
          { bar = 3, size = "32M", kind = "mem64", prefetchable = true },
          { bar = 5, size = "128", kind = "io" },
        ]
        rom = "512K"
        """

    @Test func designExample() throws {
        let table = try read(Self.designExample)
        #expect(table.entries.map(\.key) == [
            "name", "vmm", "memory", "vcpus", "phys_bits", "ecam", "mmio", "root_port", "device",
        ])
        #expect(table["name"] == ConfigNode(.string("gpu-host"), at: sourceAt(1, 8)))
        #expect(table["vcpus"] == ConfigNode(.integer(4), at: sourceAt(5, 9)))
        #expect(table["phys_bits"]?.value == .integer(40))
        #expect(treeNode(table, "ecam", "policy")?.value == .string("hvmloader"))
        #expect(treeNode(table, "ecam", "buses") == ConfigNode(.integer(256), at: sourceAt(11, 9)))
        #expect(table["ecam"]?.location?.line == 8)
        #expect(table["mmio"] == ConfigNode(.table(ConfigTable()), at: sourceAt(14, 1)))
        #expect(treeNode(table, "root_port", 0, "hotplug")?.value == .bool(true))
        #expect(treeNode(table, "root_port", 0)?.location?.line == 19)

        guard case .array(let devices) = table["device"]?.value else { Issue.record("no devices"); return }
        #expect(devices.map(\.location?.line) == [26, 31, 37])
        #expect(treeNode(table, "device", 1, "size")?.value == .string("8G"))
        #expect(treeNode(table, "device", 2, "passthrough")?.value == .string("0000:65:00.0"))
        #expect(treeNode(table, "device", 2, "bars", 1, "size") == ConfigNode(.string("32G"), at: sourceAt(43, 21)))
        #expect(treeNode(table, "device", 2, "bars", 1, "prefetchable")?.value == .bool(true))
        #expect(treeNode(table, "device", 2, "bars", 3, "kind")?.value == .string("io"))
        #expect(treeNode(table, "device", 2, "bars", 3)?.location == sourceAt(45, 3))
        #expect(treeNode(table, "device", 2, "rom")?.location?.line == 47)
    }

    // MARK: - Size

    /// `count` `[[device]]` tables of five lines each.
    static func generatedDevices(_ count: Int) -> String {
        var text = "name = \"generated\"\n"
        for index in 0..<count {
            text += """
                [[device]]
                id = "dev\(index)"
                model = "virtio-net-pci"   # a comment
                hotplug = false
                bars = [ { bar = 0, size = "16M", kind = "mem32" }, { bar = 2, size = 0x4000 } ]

                """
        }
        return text
    }

    @Test func twoThousandLines() throws {
        let text = Self.generatedDevices(400)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count > 2000)
        let table = try read(text)
        guard case .array(let devices) = table["device"]?.value else { Issue.record("no devices"); return }
        #expect(devices.count == 400)
        #expect(treeNode(table, "device", 399, "id") == ConfigNode(.string("dev399"), at: sourceAt(2 + 399 * 5 + 1, 6)))
        #expect(devices[399].location == sourceAt(2 + 399 * 5, 1))
        #expect(treeNode(table, "device", 399, "bars", 1, "size")?.value == .integer(0x4000))
    }

    @Test func oneMegabyteReads() throws {
        let text = Self.generatedDevices(8_000)
        #expect(text.utf8.count > 1_000_000)
        let table = try read(text)
        guard case .array(let devices) = table["device"]?.value else { Issue.record("no devices"); return }
        #expect(devices.count == 8_000)
    }
}
