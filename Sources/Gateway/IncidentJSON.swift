import AlertCore
import Escalation
import EscalatorStore
import Foundation
import OnCall

/// The incident API's JSON (`docs/openapi.json`, schemas `IncidentSummary`, `Incident`,
/// `TimelineEntry`): instants as RFC 3339 UTC strings, steps and passes as the escalator's
/// 0-based indexes, absent optional fields left out. Pure.
enum IncidentJSON {
    /// Who acknowledged.
    struct Ack: Encodable, Equatable {
        var by: String
        var via: String
        var at: String

        init(_ a: Acknowledgement) {
            by = a.by.rawValue
            via = a.via.rawValue
            at = Timestamps.format(a.at)
        }
    }

    /// One line of `GET /api/v1/incidents`.
    struct Summary: Encodable, Equatable {
        var id: String
        var policy: String
        var status: String
        var title: String
        var severity: String
        var step: Int
        var loop: Int
        var openedAt: String
        var ack: Ack?

        init(_ r: IncidentRecord) {
            let i = r.incident
            id = i.id
            policy = i.policy
            status = i.status.rawValue
            title = r.alert.title
            severity = r.alert.severity
            step = i.step
            loop = i.loop
            openedAt = Timestamps.format(i.openedAt)
            ack = i.ack.map(Ack.init)
        }
    }

    /// `GET /api/v1/incidents`.
    struct List: Encodable, Equatable {
        var incidents: [Summary]
    }

    /// A robot or address list of one channel.
    struct ChannelRecipients: Encodable, Equatable {
        var channel: String
        var recipients: [String]
    }

    /// Everyone paged so far.
    struct Paged: Encodable, Equatable {
        var people: [String]
        var schedules: [String]
        var channels: [ChannelRecipients]

        init(_ t: EscalationTargets) {
            people = t.people.map(\.rawValue)
            schedules = t.schedules
            channels = t.channels.filter { !$0.recipients.isEmpty }.map { ChannelRecipients(channel: $0.channel.rawValue, recipients: $0.recipients) }
        }
    }

    /// The alert an incident pages about (the latest repeat's copy).
    struct AlertPart: Encodable, Equatable {
        var id: String
        var source: String
        var integration: String
        var status: String
        var fingerprint: String
        var title: String
        var message: String
        var severity: String
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String

        init(_ a: Alert) {
            id = a.id
            source = a.source
            integration = a.integration
            status = a.status.rawValue
            fingerprint = a.fingerprint
            title = a.title
            message = a.message
            severity = a.severity
            labels = a.labels
            annotations = a.annotations
            startsAt = a.startsAt
        }
    }

    /// One timeline entry: `type` and the fields that type has, plus `text` for people.
    struct Entry: Encodable, Equatable {
        var at: String
        var type: String
        var text: String
        var step: Int?
        var loop: Int?
        var loops: Int?
        var count: Int?
        var by: String?
        var via: String?
        var until: String?
        var recipients: [String]?
        var gaps: [String]?
        var resolvesIncident: Bool?
        var event: String?
        var status: String?
        var outcome: String?

        init(_ e: TimelineEntry, text words: IncidentText) {
            at = Timestamps.format(e.at)
            text = words.describe(e.what)
            switch e.what {
            case .opened:
                type = "opened"
            case .stepFired(let s, let l):
                (type, step, loop) = ("stepFired", s, l)
            case .stepSkipped(let s, let l):
                (type, step, loop) = ("stepSkipped", s, l)
            case .paged(let s, let l, let r, let g):
                (type, step, loop, recipients, gaps) = ("paged", s, l, r, g)
            case .exhausted(let n):
                (type, loops) = ("exhausted", n)
            case .repeatAttached(let n):
                (type, count) = ("repeatAttached", n)
            case .acknowledged(let b, let v):
                (type, by, via) = ("acknowledged", b.rawValue, v.rawValue)
            case .ackReminded(let b):
                (type, by) = ("ackReminded", b.rawValue)
            case .ackExpired(let b):
                (type, by) = ("ackExpired", b.rawValue)
            case .snoozed(let u, let b, let v):
                (type, until, by, via) = ("snoozed", Timestamps.format(u), b.rawValue, v.rawValue)
            case .unsnoozed(let b, let v):
                (type, by, via) = ("unsnoozed", b?.rawValue, v?.rawValue)
            case .escalated(let b, let v):
                (type, by, via) = ("escalated", b.rawValue, v.rawValue)
            case .sourceResolved(let r):
                (type, resolvesIncident) = ("sourceResolved", r)
            case .resolved(let b, let v):
                (type, by, via) = ("resolved", b.rawValue, v.rawValue)
            case .recovered:
                type = "recovered"
            case .callOutcome(let b, let o):
                (type, by, outcome) = ("callOutcome", b.rawValue, o.rawValue)
            case .ignored(let ev, let st):
                (type, event, status) = ("ignored", ev, st.rawValue)
            }
        }
    }

    /// `GET /api/v1/incidents/{id}`.
    struct Detail: Encodable, Equatable {
        var id: String
        var policy: String
        var fingerprint: String
        var generation: Int
        var status: String
        var title: String
        var severity: String
        var step: Int
        var loop: Int
        var openedAt: String
        var resolvedAt: String?
        var ack: Ack?
        var snoozedUntil: String?
        var repeats: Int
        var sourceResolved: Bool
        var paged: Paged
        var alert: AlertPart
        var timeline: [Entry]

        init(_ r: IncidentRecord, text: IncidentText) {
            let i = r.incident
            id = i.id
            policy = i.policy
            fingerprint = i.fingerprint
            generation = i.generation
            status = i.status.rawValue
            title = r.alert.title
            severity = r.alert.severity
            step = i.step
            loop = i.loop
            openedAt = Timestamps.format(i.openedAt)
            resolvedAt = i.resolvedAt.map(Timestamps.format)
            ack = i.ack.map(Ack.init)
            snoozedUntil = i.status == .snoozed ? i.snoozedUntil.map(Timestamps.format) : nil
            repeats = i.repeats
            sourceResolved = i.sourceResolved
            paged = Paged(i.paged)
            alert = AlertPart(r.alert)
            timeline = i.timeline.map { Entry($0, text: text) }
        }
    }

    /// The 202 of `POST /api/v1/incidents/{id}/{verb}`: the command handed to the escalator.
    struct Accepted: Encodable, Equatable {
        var command: String
        var incident: String
        var action: String
        var by: String
        var until: String?
    }

    /// Encoded with sorted keys, slashes unescaped.
    static func encode(_ value: some Encodable) -> [UInt8] { Codec.encode(value) }
}
