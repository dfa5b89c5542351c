/// Lower-case hexadecimal text of bytes (digests, random ids), without `String(format:)`.
public enum Hex {
    /// Two lower-case hex digits per byte, written straight into the text's storage. Inlinable so
    /// that callers in other modules get it specialised for their byte sequence (a digest's
    /// iterator is otherwise called through its protocol for every byte).
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digit(byte >> 4)
                text[2 * index + 1] = digit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }

    /// The lower-case hex digit of a value below 16.
    @inlinable
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
