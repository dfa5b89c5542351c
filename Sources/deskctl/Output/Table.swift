/// A plain-text table with a header row, columns padded to their widest cell.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns that may be cut to this many characters (e.g. titles).
    var maxWidths: [Int: Int] = [:]

    init(_ headers: String...) { self.headers = headers }

    /// A table whose headers are a list (columns chosen at run time).
    init(headers: [String]) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        let all =
            [headers]
            + rows.map { row in
                row.enumerated().map { index, cell in
                    let flat = cell.replacingNewlines()
                    guard let limit = maxWidths[index], flat.count > limit else { return flat }
                    return String(flat.prefix(limit - 1)) + "…"
                }
            }
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension String {
    /// One line: newlines shown as ` / `.
    func replacingNewlines() -> String {
        split(whereSeparator: \.isNewline).joined(separator: " / ")
    }
}
