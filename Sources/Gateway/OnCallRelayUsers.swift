import AlertCore
import Foundation
import OnCall
import Signing

/// `GET api/v1/users`: Klaxon's `people:` (those with an e-mail) as Grafana OnCall's cloud lists
/// its users, with the same query parameters, pagination and fields (OSS reads `id`, `email`,
/// `is_phone_number_verified` and `next`):
///
/// ```json
/// {"count": 2, "next": null, "previous": null, "page_size": 100, "current_page_number": 1, "total_pages": 1,
///  "results": [{"id": "K3F9A0C1B2D4E", "grafana_id": 123456, "email": "alice@example.com",
///               "username": "alice", "role": "editor", "is_phone_number_verified": true}]}
/// ```
///
/// Pure: the handler passes the people and the URL the page links are built on.
enum OnCallRelayUsers {
    /// OnCall's legacy roles, by the number its `roles` filter takes.
    static let roles = ["admin", "editor", "viewer", "none"]
    /// Every person is reported with this role (Klaxon has no roles; OnCall OSS asks for admins
    /// and editors, `roles=0&roles=1`).
    static let personRole = 1
    /// Grafana's cloud pages users 100 at a time; `perpage` asks for fewer.
    static let pageSize = 100

    /// The parameters of one request.
    struct Query: Equatable {
        var email: String?
        var username: String?
        /// nil: every role.
        var roles: Set<Int>?
        var page = 1
        var perPage = OnCallRelayUsers.pageSize
        /// `short=true`: OnCall's short fields only.
        var short = false

        /// The query's parameters (repeated `roles` kept), or which one is wrong. Unknown
        /// parameters are ignored, as Grafana's cloud does.
        static func parse(_ pairs: [(String, String)]) -> Result<Query, Refusal> {
            var q = Query()
            for (name, value) in pairs {
                switch name {
                // An empty filter filters nothing, as django-filter skips it.
                case "email": q.email = value.isEmpty ? nil : value
                case "username": q.username = value.isEmpty ? nil : value
                case "roles":
                    guard let r = Int(value), OnCallRelayUsers.roles.indices.contains(r) else {
                        return .failure("roles: expected 0 (admin), 1 (editor), 2 (viewer) or 3 (none), got \"\(value)\"")
                    }
                    q.roles = (q.roles ?? []).union([r])
                case "page":
                    guard let p = Int(value), p >= 1 else { return .failure("page: expected a page number from 1, got \"\(value)\"") }
                    q.page = p
                case "perpage":
                    guard let p = Int(value), p >= 1 else { return .failure("perpage: expected a number from 1, got \"\(value)\"") }
                    q.perPage = min(p, pageSize)
                case "short":
                    guard value == "true" || value == "false" else { return .failure("short: expected true or false, got \"\(value)\"") }
                    q.short = value == "true"
                default:
                    continue
                }
            }
            return .success(q)
        }
    }

    /// The user id OnCall stores (its `cloud_id` holds 20 characters): `K` and 12 hex digits of
    /// SHA-256 of the person id, the same on every replica and after every restart.
    static func userID(_ person: PersonID) -> String { "K" + String(digest(person).prefix(12)).uppercased() }

    /// A stable positive number for `grafana_id` (Grafana's user id in the cloud), from the same digest.
    static func grafanaID(_ person: PersonID) -> Int { Int(digest(person).prefix(8), radix: 16) ?? 0 }

    private static func digest(_ person: PersonID) -> String { Signing.sha256Hex(Array("klaxon-person\u{0}\(person.rawValue)".utf8)) }

    /// Whether `person` has the e-mail `email`, compared without case (Grafana's `iexact`).
    /// OnCall writes the address into the query unencoded, so a `+` in it arrives as a space:
    /// spaces are read as `+` (an address has none).
    static func hasEmail(_ person: Person, _ email: String) -> Bool {
        guard let own = person.email else { return false }
        let wanted = email.trimmingWhitespace().replacingOccurrences(of: " ", with: "+")
        return own.lowercased() == wanted.lowercased()
    }

    /// Whether OnCall may call or text `person`: a phone in E.164.
    static func isPhoneVerified(_ person: Person) -> Bool { person.phone.map(Checks.isE164) ?? false }

    /// The people a query selects, in config order: those with an e-mail, filtered.
    static func select(_ people: [Person], _ q: Query) -> [Person] {
        people.filter { p in
            guard p.email != nil else { return false }
            if let e = q.email, !hasEmail(p, e) { return false }
            if let u = q.username, p.id.rawValue.lowercased() != u.lowercased() { return false }
            if let r = q.roles, !r.contains(personRole) { return false }
            return true
        }
    }

    /// The page as a JSON object. `link(page)` is the absolute URL of page `page` (nil: the
    /// first page's URL, without `page`, as Django REST framework writes `previous`). A page
    /// past the last is the last page, as on Grafana's cloud.
    static func page(_ people: [Person], _ q: Query, link: (Int?) -> String) -> [String: Any] {
        let selected = select(people, q)
        let totalPages = max(1, (selected.count + q.perPage - 1) / q.perPage)
        let current = min(q.page, totalPages)
        let shown = selected.dropFirst((current - 1) * q.perPage).prefix(q.perPage)
        return [
            "count": selected.count,
            "next": current < totalPages ? link(current + 1) : NSNull(),
            "previous": current > 1 ? link(current == 2 ? nil : current - 1) : NSNull(),
            "results": shown.map { user($0, short: q.short) },
            "page_size": q.perPage,
            "current_page_number": current,
            "total_pages": totalPages,
        ]
    }

    /// One user: OnCall's short fields; the full form adds `timezone`, `teams` and `slack`.
    static func user(_ p: Person, short: Bool) -> [String: Any] {
        var u: [String: Any] = [
            "id": userID(p.id), "grafana_id": grafanaID(p.id), "email": p.email ?? "", "username": p.id.rawValue,
            "role": roles[personRole], "is_phone_number_verified": isPhoneVerified(p),
        ]
        if !short {
            u["timezone"] = p.timeZone
            u["teams"] = [String]()
            u["slack"] = NSNull()
        }
        return u
    }

    /// `base` + `path` with the request's query, its `page` set to `page` (nil: removed), the
    /// other parameters in their order.
    static func url(base: String, path: String, query: [(String, String)], page: Int?) -> String {
        var pairs: [(String, String)] = []
        var placed = false
        for (name, value) in query {
            if name == "page" {
                if let page, !placed { pairs.append(("page", String(page))) }
                placed = true
            } else {
                pairs.append((name, value))
            }
        }
        if let page, !placed { pairs.insert(("page", String(page)), at: 0) }
        return base + path + (pairs.isEmpty ? "" : "?" + PercentEncoding.form(pairs))
    }
}
