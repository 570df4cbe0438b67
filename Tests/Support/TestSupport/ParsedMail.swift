import Foundation

/// A small, strict reader of the mails Klaxon writes, independent of the composer's code:
/// header unfolding, RFC 2047 `B` decoding and multipart splitting.
public struct ParsedMail {
    /// Raw header lines as written (folded), for line-length checks.
    public var rawHeaderLines: [String]
    /// Unfolded headers, in order.
    public var headers: [(name: String, value: String)]
    /// The body after the blank line.
    public var body: String

    /// Parses a message with CRLF line ends; throws on a malformed header block.
    public init(_ text: String) throws {
        guard let split = text.range(of: "\r\n\r\n") else { throw TestFailure("no blank line between headers and body") }
        let head = String(text[..<split.lowerBound])
        body = String(text[split.upperBound...])
        rawHeaderLines = head.components(separatedBy: "\r\n")
        headers = []
        for line in rawHeaderLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                guard !headers.isEmpty else { throw TestFailure("continuation line first: \(line)") }
                headers[headers.count - 1].value += line  // unfold: drop the CRLF, keep the WSP
            } else {
                guard let colon = line.firstIndex(of: ":") else { throw TestFailure("header without colon: \(line)") }
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
    }

    /// The first header called `name` (any case), unfolded.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The encoded words of an unfolded value, as written.
    public static func encodedWords(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0.hasPrefix("=?") }
    }

    /// Decodes an unstructured value: `=?UTF-8?B?…?=` words (whitespace between adjacent words
    /// ignored, RFC 2047 §6.2) and plain text. Throws if a word alone is not valid UTF-8,
    /// i.e. if a character was split across words.
    public static func decode(_ value: String) throws -> String {
        var out = ""
        var previousWasEncoded: Bool? = nil
        for token in value.split(separator: " ").map(String.init) {
            let encoded = token.hasPrefix("=?") && token.hasSuffix("?=")
            if let p = previousWasEncoded, !(p && encoded) { out += " " }
            previousWasEncoded = encoded
            guard encoded else { out += token; continue }
            let parts = token.dropFirst(2).dropLast(2).split(separator: "?", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].uppercased() == "UTF-8", parts[1].uppercased() == "B",
                let data = Data(base64Encoded: String(parts[2]))
            else { throw TestFailure("bad encoded word \(token)") }
            guard let piece = String(validating: data, as: UTF8.self) else {
                throw TestFailure("encoded word \(token) is not whole UTF-8 characters")
            }
            out += piece
        }
        return out
    }

    /// The parts of a multipart body: (Content-Type, decoded text).
    public func parts() throws -> [(type: String, text: String, rawLines: [String])] {
        guard let ct = header("Content-Type"), let b = ct.range(of: "boundary=\"") else { throw TestFailure("no boundary") }
        let boundary = String(ct[b.upperBound...].prefix { $0 != "\"" })
        guard body.contains("\r\n--\(boundary)--\r\n") else { throw TestFailure("no closing boundary") }
        var result: [(String, String, [String])] = []
        for chunk in body.components(separatedBy: "--\(boundary)").dropFirst() where !chunk.hasPrefix("--") {
            // After the boundary's CRLF (one Character in Swift: "\r\n" is a single grapheme).
            let part = try ParsedMail(chunk.hasPrefix("\r\n") ? String(chunk.dropFirst()) : chunk)
            guard part.header("Content-Transfer-Encoding")?.lowercased() == "base64" else { throw TestFailure("not base64") }
            let lines = part.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            guard let data = Data(base64Encoded: lines.joined()), let text = String(validating: data, as: UTF8.self) else {
                throw TestFailure("part body is not base64 of UTF-8")
            }
            result.append((part.header("Content-Type") ?? "", text, lines))
        }
        return result
    }
}
