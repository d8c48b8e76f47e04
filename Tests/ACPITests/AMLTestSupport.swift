import ACPI
import Testing

/// Checks that `terms`, one after another, encode to `hex`, the bytes iasl produced for `asl`.
///
/// `asl` is not compiled here: it records what the bytes are iasl's output of, and
/// `scripts/aml-expected.sh` compiles it and rewrites `hex` (see the notation there: `xx*N` is a
/// run of N bytes xx, spaces are ignored).
func expectAML(_ terms: any AMLTerm..., asl: String, hex: String,
               sourceLocation: SourceLocation = #_sourceLocation) {
    let ours = terms.flatMap(\.aml)
    #expect(hexString(ours) == hexString(bytes(fromHex: hex)), "ASL: \(asl)", sourceLocation: sourceLocation)
}

/// The same for a single resource descriptor: `hex` is iasl's output for a `ResourceTemplate`
/// holding just it.
func expectResource(_ descriptor: any AMLResource, asl: String, hex: String,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    expectAML(AML.Name("R", AML.ResourceTemplate([descriptor])), asl: asl, hex: hex, sourceLocation: sourceLocation)
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
}

/// Reads the expected-bytes notation: hex digit pairs, and space-separated `xx*N` runs.
func bytes(fromHex text: String) -> [UInt8] {
    text.split(separator: " ").flatMap { token -> [UInt8] in
        if let star = token.firstIndex(of: "*") {
            return [UInt8](repeating: UInt8(token[..<star], radix: 16)!, count: Int(token[token.index(after: star)...])!)
        }
        let digits = Array(token)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
