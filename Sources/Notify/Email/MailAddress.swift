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
        let t = text.trimmingCharacters(in: .whitespaces)
        if let open = t.lastIndex(of: "<"), t.hasSuffix(">") {
            address = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
            var n = t[..<open].trimmingCharacters(in: .whitespaces)
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
        let forbidden = CharacterSet(charactersIn: "<>\"\\,; \t\r\n\0").union(.controlCharacters)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.utf8.count <= 320
            && address.unicodeScalars.allSatisfy { !forbidden.contains($0) }
    }
}
