import Testing
@testable import VMConfig

// Helpers (`node`, `entry`, `at`, `withoutLocations`, `RejectedInput`) are in TOMLReaderTests.swift.

private func read(_ text: String) throws(ConfigSyntaxError) -> ConfigTable {
    try JSONReader.read(text)
}

/// The value of `{"key": <literal>}`.
private func value(of literal: String) throws(ConfigSyntaxError) -> ConfigValue? {
    try read("{\"key\": \(literal)}")["key"]?.value
}

@Suite("JSON reader") struct JSONReaderTests {

    // MARK: - Scalars

    @Test(arguments: [
        ("0", .integer(0)), ("-0", .integer(0)), ("42", .integer(42)), ("-42", .integer(-42)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        ("1.5", .float(1.5)), ("-0.25", .float(-0.25)), ("1e3", .float(1000)), ("1E+3", .float(1000)),
        ("2.5e-3", .float(0.0025)), ("1.0", .float(1)), ("0.0", .float(0)), ("10e-1", .float(1)),
        ("0e0", .float(0)), ("true", .bool(true)), ("false", .bool(false)),
        (#""""#, .string("")), (#""hi""#, .string("hi")),
    ] as [(String, ConfigValue)])
    func scalars(literal: String, expected: ConfigValue) throws {
        #expect(try value(of: literal) == expected)
    }

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00C9""#, "éÉ"),
        (#""\u0041BC""#, "ABC"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\ud83d\ude00!""#, "😀!"),
        (#""\u0000""#, "\u{0}"),
        ("\"漢字 😀\"", "漢字 😀"),
        ("\"a\u{7F}b\"", "a\u{7F}b"),
        (#""a/b # not a comment""#, "a/b # not a comment"),
    ])
    func strings(literal: String, expected: String) throws {
        #expect(try value(of: literal) == .string(expected))
    }

    /// Read, but as values no key takes: the decoder refuses them under their key, saying what
    /// that key accepts (`ConfigValue.unusable`).
    @Test(arguments: [
        ("null", UnusableLiteral(.null, text: "null")),
        ("9223372036854775808", UnusableLiteral(.integerOutOfRange, text: "9223372036854775808")),
        ("-9223372036854775809", UnusableLiteral(.integerOutOfRange, text: "-9223372036854775809")),
        ("1e400", UnusableLiteral(.floatOutOfRange, text: "1e400")),
    ])
    func unusableLiterals(literal: String, expected: UnusableLiteral) throws {
        #expect(try value(of: literal) == .unusable(expected))
    }

    @Test func nullKeepsItsLocation() throws {
        let table = try read("{\n  \"a\": [null]\n}")
        #expect(treeNode(table, "a", 0)?.value == .unusable(UnusableLiteral(.null, text: "null")))
        #expect(treeNode(table, "a", 0)?.location == sourceAt(2, 9))
    }

    @Test func arrayElementsAreCapped() throws {
        let text = "{\"a\": [" + String(repeating: "1,", count: ReaderLimits.maximumArrayElements) + "1]}"
        #expect(throws: ReaderLimits.tooManyArrayElements(at: sourceAt(1, 8 + 2 * ReaderLimits.maximumArrayElements))) {
            try read(text)
        }
    }

    // MARK: - Structure and locations

    @Test func objectsAndArrays() throws {
        let table = try read(
            #"""
            {"z": 1, "a": {"nested": {"deep": [1, [2, [3]], {"x": "y"}]}}, "empty": {}, "none": [],
             "mixed": [1, 2.5, "s", true, {}, []]}
            """#)
        #expect(table.entries.map(\.key) == ["z", "a", "empty", "none", "mixed"])
        #expect(treeNode(table, "a", "nested", "deep", 1, 1, 0)?.value == .integer(3))
        #expect(treeNode(table, "a", "nested", "deep", 2, "x")?.value == .string("y"))
        #expect(treeNode(table, "empty")?.value == .table(ConfigTable()))
        #expect(treeNode(table, "none")?.value == .array([]))
        #expect(treeNode(table, "mixed", 1)?.value == .float(2.5))
        #expect(treeNode(table, "mixed", 5)?.location == sourceAt(2, 35))
    }

    @Test func keysMayUseEscapes() throws {
        let table = try read(#"{"a\u0041": 1, "with \"quotes\"": 2, "": 3}"#)
        #expect(table.entries.map(\.key) == ["aA", #"with "quotes""#, ""])
    }

    @Test func keyAndValueLocations() throws {
        let table = try read(
            """
            {
              "name": "x",
                "list": [1,
              2],
              "obj": {"k": true}
            }
            """)
        #expect(treeEntry(table, "name")?.keyLocation == sourceAt(2, 3))
        #expect(table["name"]?.location == sourceAt(2, 11))
        #expect(treeEntry(table, "list")?.keyLocation == sourceAt(3, 5))
        #expect(table["list"]?.location == sourceAt(3, 13))
        #expect(treeNode(table, "list", 0)?.location == sourceAt(3, 14))
        #expect(treeNode(table, "list", 1)?.location == sourceAt(4, 3))
        #expect(table["obj"]?.location == sourceAt(5, 10))
        guard case .table(let object) = table["obj"]?.value else { Issue.record("no object"); return }
        #expect(treeEntry(object, "k")?.keyLocation == sourceAt(5, 11))
        #expect(object["k"]?.location == sourceAt(5, 16))
    }

    @Test func windowsLineBreaksTabsAndByteOrderMark() throws {
        let table = try read("\u{FEFF}{\r\n\t\"a\": 1,\r\n\"b\":\t\"é\", \"c\": 2\r\n}\r\n")
        #expect(table["a"]?.location == sourceAt(2, 7))
        #expect(treeEntry(table, "b")?.keyLocation == sourceAt(3, 1))
        #expect(table["b"]?.location == sourceAt(3, 6))
        #expect(table["c"]?.location == sourceAt(3, 16))
    }

    @Test func columnsAlongOneLongLine() throws {
        // Minified JSON: many values on one line must not make locating them slow.
        let count = 20_000
        var text = "{"
        for index in 0..<count { text += "\"k\(index)\":\(index)," }
        text.removeLast()
        text += "}"
        let lastKey = "\"k\(count - 1)\""
        let lastKeyColumn = text.utf8.count - lastKey.utf8.count - 1 - "\(count - 1)".utf8.count
        let table = try read(text)
        #expect(table.entries.count == count)
        #expect(table.entries.last?.keyLocation == sourceAt(1, lastKeyColumn))
        #expect(table.entries.last?.node == ConfigNode(.integer(Int64(count - 1)), at: sourceAt(1, lastKeyColumn + lastKey.count + 1)))
    }

    // MARK: - Errors

    @Test(arguments: [
        RejectedInput("", column: 1, "the document is empty"),
        RejectedInput(" \n ", line: 2, "empty"),
        RejectedInput("[1]", column: 1, "the top level must be a JSON object", "found '['"),
        RejectedInput("1", "top level must be a JSON object"),
        RejectedInput("\"x\"", "top level"),
        RejectedInput("{} x", column: 4, "unexpected 'x' after the end of the top-level object"),
        RejectedInput("{}{}", column: 3, "after the end"),
        RejectedInput("{\"a\": 1} // c", "after the end"),
        RejectedInput("{\"a\": 1,}", column: 8, "a trailing comma is not allowed in a JSON object"),
        RejectedInput("{\"a\": [1,\n]}", column: 9, "a trailing comma is not allowed in a JSON array"),
        RejectedInput("{\"a\": \"x}", column: 7, "unterminated string"),
        RejectedInput("{\"a\": \"x\n\"}", column: 7, "unterminated string", "\\n"),
        RejectedInput("{\"a\": \"x\u{01}\"}", column: 9, "control character U+0001 is not allowed in a string"),
        RejectedInput("{\"a\": \"x\ty\"}", "control character U+0009"),
        RejectedInput("{\"a\": \"\\x\"}", column: 8, "invalid escape '\\x'"),
        RejectedInput("{\"a\": \"\\'\"}", "invalid escape '\\''"),
        RejectedInput("{\"a\": \"\\", "invalid escape"),
        RejectedInput("{\"a\": \"\\u12\"}", "\\u must be followed by exactly 4 hexadecimal digits"),
        RejectedInput("{\"a\": \"\\uD83D\"}", column: 8, "U+D83D is a high surrogate"),
        RejectedInput("{\"a\": \"\\uD83Dx\"}", "high surrogate"),
        RejectedInput("{\"a\": \"\\uD83D\\u0041\"}", "not U+0041"),
        RejectedInput("{\"a\": \"\\uDE00\"}", "U+DE00 is a low surrogate without a high surrogate"),
        RejectedInput("{\"a\": 01}", column: 7, "invalid number '01': leading zeros are not allowed"),
        RejectedInput("{\"a\": -01}", "leading zeros"),
        RejectedInput("{\"a\": 1.}", "a decimal point must be followed by digits"),
        RejectedInput("{\"a\": 1.e5}", "decimal point"),
        RejectedInput("{\"a\": .5}", column: 7, "expected a value, found '.'"),
        RejectedInput("{\"a\": +1}", "expected a value, found '+'"),
        RejectedInput("{\"a\": -}", "invalid number '-': expected a digit"),
        RejectedInput("{\"a\": -x}", "expected a digit"),
        RejectedInput("{\"a\": 1e}", "an exponent must have digits"),
        RejectedInput("{\"a\": 1e+}", "exponent"),
        RejectedInput("{\"a\": 0x10}", "expected ',' or '}' after the value of 'a', found 'x'"),
        RejectedInput("{\"a\": 1, \"a\": 2}", column: 10, "duplicate key 'a'"),
        RejectedInput("{\"a\": 1, \"\\u0061\": 2}", column: 10, "duplicate key 'a'"),
        RejectedInput("{\n\"a\": 1,\n\n\"a\": 2}", line: 4, column: 1, "duplicate key 'a' on line 4: already defined on line 2"),
        RejectedInput("{\"a\" 1}", column: 6, "expected ':' after the key 'a'"),
        RejectedInput("{\"a\": 1 \"b\": 2}", column: 9, "expected ',' or '}' after the value of 'a'"),
        RejectedInput("{\"a\": [1 2]}", column: 10, "expected ',' or ']' after an array element"),
        RejectedInput("{\"a\": 1", "unterminated object", "line 1"),
        RejectedInput("{\n\"a\": [1,\n2", line: 3, "unterminated array", "line 2"),
        RejectedInput("{\"a\": [", "unterminated array"),
        RejectedInput("{", "unterminated object"),
        RejectedInput("{a: 1}", column: 2, "expected a key in double quotes, found 'a'"),
        RejectedInput("{'a': 1}", "expected a key in double quotes"),
        RejectedInput("{,}", "expected a key in double quotes, found ','"),
        RejectedInput("{\"a\": 1,,}", "expected a key in double quotes, found ','"),
        RejectedInput("{\"a\":}", "expected a value, found '}'"),
        RejectedInput("{\"a\": [,1]}", "expected a value, found ','"),
        RejectedInput("{\"a\": 'x'}", "expected a value, found '''"),
        RejectedInput("{\"a\": tru}", "unexpected 'tru'"),
        RejectedInput("{\"a\": True}", "unexpected 'True'"),
        RejectedInput("{\"a\": NaN}", "unexpected 'NaN'"),
        RejectedInput("{\"a\": Infinity}", "unexpected 'Infinity'"),
        RejectedInput("{\"a\": /* c */ 1}", "expected a value, found '/'"),
        RejectedInput("{\"a\":\u{A0}1}", "expected a value, found '\u{A0}'"),
    ])
    func rejects(input: RejectedInput) {
        input.check(read)
    }

    @Test func deepNestingIsRefused() {
        let depth = JSONParser.maximumNesting
        RejectedInput("{\"a\": " + String(repeating: "[", count: depth), "nested more than").check(read)
        RejectedInput(String(repeating: "{\"a\": ", count: depth + 1), "nested more than").check(read)
        let allowed = String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
        #expect(throws: Never.self) { try read("{\"a\": \(allowed)}") }
    }

    // MARK: - The example of DESIGN.md, as JSON

    static let designExample = """
        {
          "name": "gpu-host",
          "vmm": "qemu",
          "memory": "6G",
          "vcpus": 4,
          "phys_bits": 40,
          "ecam": { "policy": "hvmloader", "buses": 256 },
          "mmio": {},
          "root_port": [ { "id": "rp1", "hotplug": true } ],
          "device": [
            { "id": "nic0", "model": "virtio-net-pci", "bus": "rp1" },
            { "id": "shm0", "model": "ivshmem-plain", "size": "8G", "bus": "rp2" },
            { "id": "gpu0", "bus": "rp3", "passthrough": "0000:65:00.0",
              "bars": [
                { "bar": 0, "size": "16M", "kind": "mem32" },
                { "bar": 1, "size": "32G", "kind": "mem64", "prefetchable": true },
                { "bar": 3, "size": "32M", "kind": "mem64", "prefetchable": true },
                { "bar": 5, "size": "128", "kind": "io" }
              ],
              "rom": "512K" }
          ]
        }
        """

    @Test func designExampleReadsAsTheTOMLDoes() throws {
        let json = try read(Self.designExample)
        let toml = try TOMLReader.read(TOMLReaderTests.designExample)
        #expect(withoutLocations(json) == withoutLocations(toml))
        #expect(json["vcpus"] == ConfigNode(.integer(4), at: sourceAt(5, 12)))
        #expect(treeNode(json, "device", 2)?.location == sourceAt(13, 5))
        #expect(treeNode(json, "device", 2, "bars", 1, "size") == ConfigNode(.string("32G"), at: sourceAt(16, 29)))
        #expect(treeNode(json, "device", 2, "rom")?.location?.line == 20)
    }

    // MARK: - Size

    @Test func oneMegabyteReads() throws {
        var text = "{\"name\": \"generated\", \"device\": [\n"
        for index in 0..<7_000 {
            text += """
                  {"id": "dev\(index)", "model": "virtio-net-pci", "hotplug": false,
                   "bars": [{"bar": 0, "size": "16M", "kind": "mem32"}, {"bar": 2, "size": 16384}]},

                """
        }
        text += "  {\"id\": \"last\"}\n]}"
        #expect(text.utf8.count > 1_000_000)
        let table = try read(text)
        guard case .array(let devices) = table["device"]?.value else { Issue.record("no devices"); return }
        #expect(devices.count == 7_001)
        #expect(devices.last?.location == sourceAt(2 + 7_000 * 2, 3))
    }
}
