import AlertCore
import Foundation
import HTTPServer
import OnCall
import OnCallRuntime

/// The calendar feeds: `GET /schedules/<name>.ics?token=T` (a schedule's final shifts, from
/// `CalendarFeed.pastDays` ago to `CalendarFeed.futureDays` ahead) and `GET /people/<id>.ics?token=T`
/// (that person's shifts in every schedule), with run-time overrides, as `text/calendar`.
///
/// The token is checked first, so a client without one learns nothing about which schedules and
/// people exist: no `oncall.feed_secret_env` → 404 (feeds are off); a missing or wrong token →
/// 403; a correct token for a name the roster does not have (removed from the config) → 404.
/// Built on the HTTP server's thread: a calendar is a few milliseconds of work and no I/O.
extension GatewayService {
    func feed(_ req: HTTPRequest, _ subject: CalendarFeed.Subject, _ respond: @escaping HTTPResponder) {
        guard req.method == "GET" || req.method == "HEAD" else {
            return reject(respond, 405, "method", "method \(req.method) not allowed; use GET", headers: [("Allow", "GET, HEAD")])
        }
        guard let secret = config.oncall.feedSecret else {
            return reject(respond, 404, "feeds_off", "calendar feeds are off: oncall.feed_secret_env is not configured")
        }
        guard CalendarFeed.isValid(req.query["token"], for: subject, secret: secret) else {
            let detail =
                req.query["token"] == nil
                ? "missing token: add ?token=… (klaxonctl oncall feed-url prints the URL)"
                : "wrong token for this feed (klaxonctl oncall feed-url prints the URL)"
            return reject(respond, 403, "feed_token", detail)
        }
        guard let text = CalendarFeed.calendar(subject, roster: roster(), now: now()) else {
            switch subject {
            case .schedule(let name): return reject(respond, 404, "feed_unknown", "no schedule named \"\(name)\"")
            case .person(let id): return reject(respond, 404, "feed_unknown", "no person with id \"\(id.rawValue)\"")
            }
        }
        stats.feeds.inc(["kind": subject.kind])
        respond(.text(200, text, contentType: "text/calendar; charset=utf-8"))
    }
}

extension CalendarFeed.Subject {
    /// `schedule` or `person`: the metric label.
    var kind: String {
        switch self {
        case .schedule: return "schedule"
        case .person: return "person"
        }
    }
}
