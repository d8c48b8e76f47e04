/// Left-aligned columns separated by two spaces; the last column is not padded.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    func rendered(indent: String = "  ") -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            indent + row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.map { $0.replacingTrailingSpaces() }.joined(separator: "\n")
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
