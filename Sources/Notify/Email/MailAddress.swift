import Foundation

/// One mailbox: `Name <local@domain>` or a bare `local@domain`.
public struct MailAddress: Sendable, Equatable {
    /// Display name, if any (any Unicode; encoded when written).
    public var name: String?
    /// The bare address used in the SMTP envelope.
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <a@b>`, `"Name" <a@b>` or `a@b`. Returns `nil` for anything without exactly
    /// one `@` in the address, or with spaces, brackets or line breaks in it.
    public init?(parsing text: String) {
        let t = MailAddress.trimmingBlanks(text)
        if let open = t.lastIndex(of: "<"), t.hasSuffix(">") {
            address = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
            var n = MailAddress.trimmingBlanks(String(t[..<open]))
            if n.count >= 2, n.hasPrefix("\""), n.hasSuffix("\"") {
                n = String(n.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\\\", with: "\\")
            }
            name = n.isEmpty ? nil : n
        } else {
            address = t
            name = nil
        }
        guard MailAddress.isValid(address), !(name ?? "").unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
    }

    /// How it appears in From/To: `Name <a@b>` with the name encoded when needed.
    public var header: String {
        guard let name, !name.isEmpty else { return address }
        return "\(MIMEHeader.phrase(name)) <\(address)>"
    }

    static func isValid(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.utf8.count <= 320
            && address.unicodeScalars.allSatisfy { !isForbidden($0) }
    }

    /// Quotes, brackets, separators, blanks and control or format characters (Cc, Cf). The sets
    /// are built once (building them per address was 5 % of `klaxon-email`'s CPU), and ASCII is
    /// decided without them: no ASCII character is in Cf.
    private static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s.value < 0x20 || s.value == 0x7F || forbiddenASCII.contains(UInt8(s.value)) }
        return CharacterSet.controlCharacters.contains(s)
    }

    private static let forbiddenASCII: Set<UInt8> = Set("<>\"\\,; ".utf8)

    /// `text` without leading and trailing spaces and tabs (`CharacterSet.whitespaces`: Zs and
    /// tab, not line breaks, which make the address invalid), scalar by scalar as Foundation's
    /// `trimmingCharacters(in:)` does, without bridging to NSString.
    static func trimmingBlanks(_ text: String) -> String {
        func blank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || (!s.isASCII && CharacterSet.whitespaces.contains(s)) }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !blank($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !blank($0) })!
        return String(scalars[first...last])
    }
}
