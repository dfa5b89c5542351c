extension JSONValue {
    /// Writes the value with every object's keys sorted: the same value always gives the same bytes.
    public func write(to json: inout JSONWriter) {
        switch self {
        case .null: json.null()
        case .bool(let flag): json.value(flag)
        case .int(let number): json.value(number)
        case .double(let number): json.value(number)
        case .string(let text): json.value(text)
        case .array(let elements): json.array(elements) { json, element in element.write(to: &json) }
        case .object(let members): Self.write(members, to: &json)
        }
    }

    /// Writes an object with its keys sorted.
    public static func write(_ members: [String: JSONValue], to json: inout JSONWriter) {
        json.object { json in
            for key in members.keys.sorted() {
                json.key(key)
                members[key]?.write(to: &json)
            }
        }
    }

    /// Compact JSON with sorted keys: the same value always gives the same text (what is signed
    /// and hashed).
    public var canonicalText: String {
        var json = JSONWriter()
        write(to: &json)
        return json.text
    }
}
