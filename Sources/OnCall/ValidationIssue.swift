import Foundation
import TimeKit

/// One problem found in on-call configuration, with the config path it concerns
/// (e.g. `people[2].contact_rules.important[0]`), so `klaxonctl config check` can print them all.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, in the config's own (snake_case) key names.
    public let path: String
    /// What is wrong, for a person to read.
    public let message: String

    /// An issue at `path`.
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// Shared checks on values that appear in several places of the on-call model.
public enum Checks {
    /// Whether `phone` is an E.164 number: `+`, a first digit 1–9, 8 to 15 digits in all.
    public static func isE164(_ phone: String) -> Bool {
        let u = Array(phone.utf8)
        guard u.count >= 9, u.count <= 16, u[0] == UInt8(ascii: "+"), u[1] >= UInt8(ascii: "1"), u[1] <= UInt8(ascii: "9") else {
            return false
        }
        return u.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Whether `identifier` names a time zone Foundation (tzdata) knows.
    public static func isKnownTimeZone(_ identifier: String) -> Bool {
        !identifier.isEmpty && TimeZone(identifier: identifier) != nil
    }

    private static let languages = Set(Locale.LanguageCode.isoLanguageCodes.map(\.identifier))
    private static let regions = Set(Locale.Region.isoRegions.map(\.identifier))

    /// Whether `tag` is a BCP 47 tag of the form `language[-Script][-REGION]` with an ISO 639
    /// language (`zh`, `ru`, `en`), an optional ISO 15924 script (`Hans`) and an optional ISO 3166
    /// region or UN M.49 area (`CN`, `419`): `zh-CN`, `zh-Hans-CN`, `ru-RU`, `en-US`, `fr`.
    /// Underscores (`zh_CN`) are rejected: messages and voice providers expect hyphens.
    public static func isKnownLanguage(_ tag: String) -> Bool {
        var parts = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), languages.contains(parts[0]), parts[0] == parts[0].lowercased() else { return false }
        parts.removeFirst()
        if let script = parts.first, script.count == 4 {
            guard script.allSatisfy({ $0.isASCII && $0.isLetter }), script == script.prefix(1).uppercased() + script.dropFirst().lowercased() else {
                return false
            }
            parts.removeFirst()
        }
        guard let region = parts.first else { return true }
        guard parts.count == 1 else { return false }
        if region.count == 3, region.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        return region.count == 2 && region == region.uppercased() && regions.contains(region)
    }

    /// Whether `email` looks like one address: `local@domain`, no spaces, a dot in the domain.
    public static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            return false
        }
        return !email.contains(where: { $0.isWhitespace || $0.isNewline })
    }
}
