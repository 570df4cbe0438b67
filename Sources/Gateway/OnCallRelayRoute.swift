/// A path under `oncall_relay.path`, as Grafana OnCall OSS builds them (`base + "/" + path`):
/// a trailing slash is optional everywhere, as on Grafana's cloud.
struct OnCallRelayRoute: Equatable {
    /// The relay's endpoints; also the `endpoint` label of `klaxon_gateway_oncall_relay_requests_total`.
    enum Endpoint: String, CaseIterable {
        /// `GET api/v1/info/`: the Grafana URL (OnCall calls it when the token is saved).
        case info
        /// `GET api/v1/users`: people, paginated, filtered by e-mail and roles.
        case users
        /// `POST api/v1/make_call`: a call to a person.
        case makeCall = "make_call"
        /// `POST api/v1/send_sms`: an SMS to a person.
        case sendSMS = "send_sms"
        /// `POST api/v1/integrations/` (create) and `GET api/v1/integrations/?name=` (find).
        case integrations
        /// `GET integrations/v1/heartbeat/{id}/`: the heartbeat link, without a token.
        case heartbeat
        /// Anything else under the prefix.
        case unknown
    }

    var endpoint: Endpoint
    /// The heartbeat link's integration id (`heartbeat` only).
    var integrationID: String = ""

    /// The route of `path` when it is under `prefix` (`/oncall`); nil otherwise.
    init?(path: String, prefix: String) {
        guard path.hasPrefix(prefix) else { return nil }
        var rest = path.dropFirst(prefix.count)
        guard rest.isEmpty || rest.hasPrefix("/") else { return nil }
        if rest.count > 1 && rest.hasSuffix("/") { rest = rest.dropLast() }
        switch rest {
        case "/api/v1/info": endpoint = .info
        case "/api/v1/users": endpoint = .users
        case "/api/v1/make_call": endpoint = .makeCall
        case "/api/v1/send_sms": endpoint = .sendSMS
        case "/api/v1/integrations": endpoint = .integrations
        default:
            let heartbeat = "/integrations/v1/heartbeat/"
            if rest.hasPrefix(heartbeat), case let id = rest.dropFirst(heartbeat.count), !id.isEmpty, !id.contains("/") {
                endpoint = .heartbeat
                integrationID = String(id)
            } else {
                endpoint = .unknown
            }
        }
    }

    /// The heartbeat link of integration `id` (what `integrations` answers as `heartbeat.link`).
    static func heartbeatPath(prefix: String, id: String) -> String { "\(prefix)/integrations/v1/heartbeat/\(id)/" }

    /// The methods `endpoint` answers (for 405 and `Allow`).
    static func methods(_ endpoint: Endpoint) -> [String] {
        switch endpoint {
        case .info, .users: ["GET", "HEAD"]
        case .makeCall, .sendSMS: ["POST"]
        case .integrations: ["GET", "HEAD", "POST"]
        case .heartbeat: ["GET", "HEAD"]
        case .unknown: []
        }
    }
}
