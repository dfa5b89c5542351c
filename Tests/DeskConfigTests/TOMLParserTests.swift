import DeskConfig
import Testing

@Suite struct TOMLParserTests {
    @Test func parsesTheValueKindsWithTheirLines() throws {
        let table = try TOMLParser.parse(
            """
            # comment
            title = "Desk \\u00e5 \\"q\\""   # trailing comment
            literal = 'C:\\path'
            count = 1_000
            hex = 0xff
            negative = -42
            ratio = 0.5e1
            enabled = true
            when = 2026-11-22T14:05:00Z
            list = [1, 2,
              3,  # comment in array
            ]
            inline = { a = 1, b.c = "x" }

            [server]
            http = "127.0.0.1:8440"

            [server.limits]
            body = 65536

            [[receiver]]
            name = "one"
            [[receiver]]
            name = "two"
            """
        )
        #expect(table["title"]?.value == .string("Desk å \"q\""))
        #expect(table["title"]?.line == 2)
        #expect(table["literal"]?.value == .string("C:\\path"))
        #expect(table["count"]?.value == .integer(1000))
        #expect(table["hex"]?.value == .integer(255))
        #expect(table["negative"]?.value == .integer(-42))
        #expect(table["ratio"]?.value == .float(5))
        #expect(table["enabled"]?.value == .boolean(true))
        #expect(table["when"]?.value == .datetime("2026-11-22T14:05:00Z"))
        #expect(table["list"]?.value == .array([.integer(1), .integer(2), .integer(3)]))
        guard case .table(let inline)? = table["inline"]?.value, case .table(let b)? = inline["b"]?.value else {
            Issue.record("inline table missing")
            return
        }
        #expect(b["c"]?.value == .string("x"))
        guard case .table(let server)? = table["server"]?.value, case .table(let limits)? = server["limits"]?.value
        else {
            Issue.record("[server] missing")
            return
        }
        #expect(server["http"]?.line == 16)
        #expect(limits["body"]?.value == .integer(65536))
        guard case .array(let receivers)? = table["receiver"]?.value else {
            Issue.record("[[receiver]] missing")
            return
        }
        #expect(receivers.count == 2)
    }

    @Test func parsesMultilineStrings() throws {
        let table = try TOMLParser.parse(
            "a = \"\"\"\nline one\nline \\\n    two\"\"\"\nb = '''\nraw \\n text'''\n"
        )
        #expect(table["a"]?.value == .string("line one\nline two"))
        #expect(table["b"]?.value == .string("raw \\n text"))
    }

    @Test(arguments: [
        ("a = 1\na = 2\n", 2, "defined twice"),
        ("[s]\nx = 1\n[s]\n", 3, "defined twice"),
        ("a = \"open\n", 1, "unterminated"),
        ("a = unquoted\n", 1, "strings need quotes"),
        ("a = 1 2\n", 1, "end of the line"),
        ("\n\n[s\n", 3, "expected ']'"),
        ("a = [1, 2\n", 2, "expected ',' or ']'"),
        ("a = 0777\n", 1, "invalid value"),
        ("a = \"bad \\q\"\n", 1, "invalid escape"),
    ])
    func syntaxErrorsNameTheLine(text: String, line: Int, message: String) {
        do {
            _ = try TOMLParser.parse(text)
            Issue.record("expected a syntax error for \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }
}
