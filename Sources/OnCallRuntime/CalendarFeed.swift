import AlertCore
import Foundation
import ICal
import OnCall
import Signing

/// The calendar feeds the gateway serves (`GET /schedules/<name>.ics?token=T`,
/// `GET /people/<id>.ics?token=T`) and `klaxonctl oncall feed-url` prints, defined once so both
/// agree on paths, tokens and content.
///
/// A feed's token is the lowercase hex of HMAC-SHA256(`oncall.feed_secret_env`'s secret,
/// `schedule/<name>` or `person/<id>`), cut to its first 32 characters: a URL for one schedule
/// or person reveals nothing about another, and rotating the secret revokes every URL.
public enum CalendarFeed {
    /// A feed covers shifts from this many days ago…
    public static let pastDays = 7
    /// …to this many days ahead.
    public static let futureDays = 60
    /// Hex characters of a token.
    public static let tokenLength = 32

    /// What a feed shows: one schedule, or one person across every schedule.
    public enum Subject: Sendable, Hashable {
        case schedule(String)
        case person(PersonID)

        /// The text the token signs: `schedule/<name>` or `person/<id>`.
        public var signedText: String {
            switch self {
            case .schedule(let name): return "schedule/\(name)"
            case .person(let id): return "person/\(id.rawValue)"
            }
        }

        /// `/schedules/<name>.ics` or `/people/<id>.ics`, the name percent-encoded.
        public var path: String {
            switch self {
            case .schedule(let name): return "/schedules/\(CalendarFeed.encode(name)).ics"
            case .person(let id): return "/people/\(CalendarFeed.encode(id.rawValue)).ics"
            }
        }

        /// The subject of a request path, or `nil` when `path` is not a feed path. The name is
        /// taken as it stands (the HTTP server has decoded it).
        public init?(path: String) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].isEmpty, parts[2].hasSuffix(".ics"), parts[2].count > 4 else { return nil }
            let name = String(parts[2].dropLast(4))
            switch parts[1] {
            case "schedules": self = .schedule(name)
            case "people": self = .person(PersonID(name))
            default: return nil
            }
        }
    }

    /// The token of `subject` under `secret`.
    public static func token(for subject: Subject, secret: String) -> String {
        String(Signing.hex(Signing.hmacSHA256(key: Array(secret.utf8), message: Array(subject.signedText.utf8))).prefix(tokenLength))
    }

    /// Whether `token` is `subject`'s, compared in constant time (a wrong length is unequal).
    public static func isValid(_ token: String?, for subject: Subject, secret: String) -> Bool {
        guard let token else { return false }
        return Signing.constantTimeEquals(Array(token.utf8), Array(self.token(for: subject, secret: secret).utf8))
    }

    /// The feed's URL under `base` (`https://klaxon.example.com`, a trailing `/` ignored).
    public static func url(base: String, subject: Subject, secret: String) -> String {
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        return "\(root)\(subject.path)?token=\(token(for: subject, secret: secret))"
    }

    /// The window a feed covers around `now`.
    public static func window(now: Date) -> (from: Date, to: Date) {
        (now.addingTimeInterval(-Double(pastDays) * 86_400), now.addingTimeInterval(Double(futureDays) * 86_400))
    }

    /// The shifts a feed of `subject` holds at `now`, per schedule (sorted by name), or `nil`
    /// when the roster has no such schedule or person.
    public static func shifts(_ subject: Subject, roster: Roster, now: Date) -> [(schedule: String, shifts: [Shift])]? {
        let (from, to) = window(now: now)
        switch subject {
        case .schedule(let name):
            guard let s = roster.schedules[name] else { return nil }
            return [(name, s.shifts(from: from, to: to))]
        case .person(let id):
            guard roster.people[id] != nil else { return nil }
            return roster.schedules.keys.sorted().compactMap { name in
                let mine = roster.schedules[name]!.shifts(from: from, to: to).filter { $0.personID == id }
                return mine.isEmpty ? nil : (name, mine)
            }
        }
    }

    /// The iCalendar text of `subject`'s feed at `now` (`ICalExport`), or `nil` when unknown.
    public static func calendar(_ subject: Subject, roster: Roster, now: Date) -> String? {
        guard let parts = shifts(subject, roster: roster, now: now) else { return nil }
        let people = Array(roster.people.values)
        switch subject {
        case .schedule(let name):
            return ICalExport.calendar(name: name, schedules: parts, people: people, stamp: now)
        case .person(let id):
            let title = "On call: \(roster.people[id]?.name ?? id.rawValue)"
            return ICalExport.calendar(name: title, schedules: parts, people: people, stamp: now)
        }
    }

    /// `text` percent-encoded for one path segment (only unreserved characters stay).
    static func encode(_ text: String) -> String { PercentEncoding.unreserved(text) }
}
