import Testing
@testable import VMConfig

/// `KeyIndex` replaced a dictionary in both readers' duplicate-key checks: a duplicate must
/// still be found however many keys come between (the index grows many times on the way), and
/// the earlier key's line must still be the right one.
@Suite("Duplicate keys in large tables")
struct KeyIndexTests {
    static let count = 100_000

    @Test func tomlDuplicateAfterAHundredThousandKeysNamesTheFirstLine() {
        var text = ""
        for index in 0..<Self.count { text += "k\(index) = 1\n" }
        text += "k12345 = 2\n"
        #expect(throws: ConfigSyntaxError("duplicate key 'k12345': already defined on line 12346",
                                          at: TextPosition(line: Self.count + 1, column: 1))) {
            try TOMLReader.read(text)
        }
    }

    @Test func jsonDuplicateAfterAHundredThousandKeysNamesTheFirstLine() {
        var text = "{\n"
        for index in 0..<Self.count { text += "\"k\(index)\": 1,\n" }
        text += "\"k99999\": 2}\n"
        #expect(throws: ConfigSyntaxError("duplicate key 'k99999' on line 100002: already defined on line 100001",
                                          at: TextPosition(line: Self.count + 2, column: 1))) {
            try JSONReader.read(text)
        }
    }

    /// Every key of a large table kept, in source order, and found again by name.
    @Test func aHundredThousandDistinctKeysAreAllKept() throws {
        var text = "[t]\n"
        for index in 0..<Self.count { text += "k\(index) = \(index)\n" }
        let table = try TOMLReader.read(text)
        guard case .table(let inner)? = table["t"]?.value else {
            Issue.record("no table t")
            return
        }
        #expect(inner.entries.count == Self.count)
        #expect(inner.entries.map(\.key) == (0..<Self.count).map { "k\($0)" })
        #expect(inner["k77777"]?.value == .integer(77777))
    }

    /// Keys that share a hash's low bits probe past each other; dotted keys and headers look
    /// tables up by name through the same index.
    @Test func dottedKeysAndHeadersFindTheirTablesAmongManyKeys() throws {
        var text = ""
        for index in 0..<1000 { text += "a\(index).x = 1\n" }
        for index in 0..<1000 { text += "a\(index).y = 2\n" }
        #expect(throws: ConfigSyntaxError("duplicate key 'a500.x': already defined on line 501", at: TextPosition(line: 2001, column: 6))) {
            try TOMLReader.read(text + "a500.x = 5\n")
        }
        text += "[b]\nz = 3\n[b.c]\nw = 4\n"
        let table = try TOMLReader.read(text)
        #expect(table.entries.count == 1001)
        #expect(treeNode(table, "a999", "y")?.value == .integer(2))
        #expect(treeNode(table, "b", "c", "w")?.value == .integer(4))
    }
}
