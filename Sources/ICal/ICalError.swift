import TimeKit
/// Why an iCalendar text could not be imported at all. Problems with single events (nobody
/// known, an unknown zone, a rule libical rejects) are warnings in the result, not errors.
///
/// A struct around a private enum, so new cases can be added without breaking callers. On this
/// error the caller should keep its last good copy of the calendar.
public struct ICalError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case empty
        case unparsable(String)
        case noCalendar(String)
    }

    private let kind: Kind

    /// The input is empty or only whitespace (a failed download often looks like this).
    public static let empty = ICalError(kind: .empty)

    /// libical could not parse the text at all; `detail` says what libical reported.
    static func unparsable(_ detail: String) -> ICalError { ICalError(kind: .unparsable(detail)) }

    /// The text parsed, but holds no `VCALENDAR` (e.g. an HTML login page or a bare `VEVENT`);
    /// `found` says what was there instead.
    static func noCalendar(found: String) -> ICalError { ICalError(kind: .noCalendar(found)) }

    /// Whether the input was empty.
    public var isEmpty: Bool { kind == .empty }

    /// Whether the input was not iCalendar at all, or held no `VCALENDAR`.
    public var isNotCalendar: Bool {
        switch kind {
        case .empty: return false
        case .unparsable, .noCalendar: return true
        }
    }

    /// A sentence naming the problem, for logs and `klaxonctl`.
    public var description: String {
        switch kind {
        case .empty:
            return "iCal import: the input is empty"
        case .unparsable(let detail):
            return "iCal import: not iCalendar (\(detail))"
        case .noCalendar(let found):
            return "iCal import: no VCALENDAR in the input (found \(found))"
        }
    }
}
