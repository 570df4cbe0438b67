import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import HTTPServer
import Redis
import WorkerKit

/// What the incident pages and the API share: reading an incident from the escalator's store,
/// and handing a person's command to the escalator (published on the escalation queue with a
/// publisher confirm, within the gateway's request deadline).
///
/// Requests that reach Redis run in a task of their own and answer through the responder, so no
/// HTTP server thread waits on Redis or the broker.
extension GatewayService {
    /// What reading an incident found.
    enum IncidentRead: Sendable {
        case found(IncidentRecord)
        case missing
        /// Redis could not be reached or answered something unexpected (the reason, for the log).
        case unavailable(String)
    }

    /// Sends an incident path to the pages or the API.
    func incidentRoute(_ req: HTTPRequest, _ route: IncidentPath, _ respond: @escaping HTTPResponder) {
        switch route {
        case .page, .pageAction, .malformedPage: incidentPage(req, route, respond)
        case .apiList, .apiIncident, .apiAction, .malformedAPI: incidentAPI(req, route, respond)
        }
    }

    /// The record of incident `id`.
    func readIncident(_ id: String) async -> IncidentRead {
        guard let incidents else { return .unavailable("the gateway was started without Redis for incidents") }
        do {
            guard let v = try await incidents.load(id) else { return .missing }
            return .found(v.record)
        } catch {
            logger.warning("cannot read incident", ["incident": id, "error": String(describing: error)])
            return .unavailable(String(describing: error))
        }
    }

    /// The records of every open incident, oldest first (nil: Redis unavailable). An incident
    /// resolved and expired between the two reads is left out.
    func readOpenIncidents() async -> [IncidentRecord]? {
        guard let incidents else { return nil }
        do {
            var out: [IncidentRecord] = []
            for id in try await incidents.openIDs() {
                if let v = try await incidents.load(id) { out.append(v.record) }
            }
            return out.sorted { ($0.incident.openedAt, $0.incident.id) < ($1.incident.openedAt, $1.incident.id) }
        } catch {
            logger.warning("cannot list incidents", ["error": String(describing: error)])
            return nil
        }
    }

    /// A fresh command of `verb` on incident `id` by `by` through `via`.
    func makeCommand(_ verb: IncidentVerb, incident id: String, by: String, via: ActionPath, until: Date?) -> IncidentCommand {
        IncidentCommand(id: AlertID.make(), incidentID: id, action: verb.command, by: by, via: via, until: until, at: now())
    }

    /// Publishes `command` to the escalation queue and waits for the broker's confirm; nil on
    /// success, else why it failed (no confirm within the request deadline, broker down, the
    /// queue missing). Counts `klaxon_gateway_incident_actions_total` on success.
    func publish(_ command: IncidentCommand, verb: IncidentVerb, path: ActionPath) async -> String? {
        let failure = await publishConfirmed(OutboundMessage(.command(command), topology: topology))
        if let failure {
            logger.warning("incident command not confirmed", ["incident": command.incidentID, "action": verb.rawValue, "error": failure])
        } else {
            stats.incidentActions.inc(["action": verb.rawValue, "path": path.rawValue])
            logger.info(
                "incident command published",
                ["incident": command.incidentID, "command": command.id, "action": verb.rawValue, "via": path.rawValue, "by": command.by])
        }
        return failure
    }

    /// Publishes one message and waits for the broker's confirm within the request deadline;
    /// nil on success, else why it failed. Counted in `klaxon_gateway_requests_in_flight` meanwhile.
    func publishConfirmed(_ outbound: OutboundMessage) async -> String? {
        stats.inFlight.add(1)
        let failure: String? = await withCheckedContinuation { done in
            let request = PendingRequest(count: 1) { failure in done.resume(returning: failure) }
            deadlines.add(request)
            publisher.enqueue(outbound) { [deadlines] result in
                if request.complete(result) { deadlines.remove(request) }
            }
        }
        stats.inFlight.add(-1)
        return failure
    }
}
