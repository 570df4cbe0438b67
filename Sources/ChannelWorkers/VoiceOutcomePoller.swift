import AMQP
import AlertCore
import Escalation
import Foundation
import Notify
import OnCall
import WorkerKit

/// Asks providers for the outcome of the calls in the `VoicePollQueue` (Aliyun's IVR calls when
/// no receipt can reach the gateway, docs/voice.md "Polling"): each due call's provider is asked
/// every `poll_interval` until it has a record of the call, or `poll_for` passed. A key 1/2/3 in
/// the record becomes the same `IncidentCommand` the gateway publishes for a pushed receipt
/// (`PhoneKey`, id `<kind>:<call id>:<key>`, so a receipt that also arrives applies once); a
/// call that ended without a key (not answered, busy, failed) becomes the same `callOutcome`
/// command as a pushed final receipt (id `<kind>:<call id>:outcome`), so "call, then SMS if
/// unanswered" moves on without a public URL too. Either is published with a confirm before
/// the job is finished; a job whose poll or publish failed is asked again at the next interval.
public struct VoiceOutcomePoller: Sendable {
    let queue: VoicePollQueue
    let providers: [String: any VoiceProvider]
    let kinds: [String: VoiceConfig.Kind]
    let people: [Person]
    let publisher: any MessagePublishing
    let topology: Topology
    let logger: Logger
    let outcomes: Counter
    let now: @Sendable () -> Date

    /// Jobs taken per tick, and how long one is leased to this replica.
    static let batch = 20
    static let leaseMillis: Int64 = 120_000

    public init(
        config: KlaxonConfig, queue: VoicePollQueue, providers: [String: any VoiceProvider], publisher: any MessagePublishing, logger: Logger,
        metrics: Metrics, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.queue = queue
        self.providers = providers
        self.kinds = Dictionary(config.voice.providers.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        self.people = config.people
        self.publisher = publisher
        self.topology = Topology(namespace: config.broker.namespace)
        self.logger = logger
        self.outcomes = metrics.counter(
            "klaxon_voice_polled_outcomes_total",
            "Call outcomes found by polling a provider, by provider and outcome (key_1, key_2, key_3, no_answer, busy, failed_call, answered, no_key, expired, failed)."
        )
        self.now = now
    }

    /// Polls every due job once.
    public func tick() async {
        let at = now()
        let jobs: [(member: String, job: VoicePollJob)]
        do {
            jobs = try await queue.claimDue(now: at, limit: Self.batch, leaseMillis: Self.leaseMillis)
        } catch {
            logger.warning("cannot read the polled calls", ["error": "\(error)"])
            return
        }
        for (member, job) in jobs { await poll(member, job, at: at) }
    }

    /// Asks the job's provider once, then publishes a key's command and finishes the job, or
    /// reschedules it (no record yet, a failed query or publish), or drops it (`poll_for` passed).
    func poll(_ member: String, _ job: VoicePollJob, at: Date) async {
        let log = logger.with(["provider": job.provider, "call": job.callID, "notification": job.call.notification, "incident": job.call.incident])
        guard let provider = providers[job.provider] as? any VoiceOutcomePolling else {
            log.warning("no such polling provider any more; dropping the call's polling")
            return await finish(member, log)
        }
        let next = at.addingTimeInterval(Double(provider.pollIntervalMillis) / 1000)
        let expired = Int64(at.timeIntervalSince1970 * 1000) >= job.until
        let outcome: VoiceCallOutcome?
        do throws(DeliveryError) {
            outcome = try await provider.outcome(callID: job.callID, placedAt: Date(timeIntervalSince1970: Double(job.placedAt) / 1000))
        } catch {
            log.warning("polling the call failed", ["error": error.description])
            if expired {
                outcomes.inc(["provider": job.provider, "outcome": "failed"])
                return await finish(member, log)
            }
            return await reschedule(member, next, log)
        }
        guard let outcome else {
            if expired {
                outcomes.inc(["provider": job.provider, "outcome": "expired"])
                log.info("no outcome within poll_for; stopped polling")
                return await finish(member, log)
            }
            return await reschedule(member, next, log)
        }
        let digits = String(outcome.digits.prefix(1))
        let kind = kinds[job.provider]?.rawValue ?? job.provider
        let command: IncidentCommand?
        let label: String
        if let key = PhoneKey.command(
            digits: digits, incidentID: job.call.incident, to: job.call.to, people: people,
            id: PhoneKey.commandID(provider: kind, callID: job.callID, digits: digits), at: at)
        {
            (command, label) = (key, "key_\(digits)")
        } else if digits.isEmpty, let ended = Self.ended(kind: kinds[job.provider], status: outcome.status) {
            command = PhoneKey.outcomeCommand(
                ended, incidentID: job.call.incident, to: job.call.to, people: people,
                id: PhoneKey.commandID(provider: kind, callID: job.callID, digits: "outcome"), at: at)
            label = ended == .failed ? "failed_call" : ended.rawValue
        } else {
            (command, label) = (nil, "no_key")
        }
        if let command {
            do throws(AMQPError) {
                try await publisher.publish(OutboundMessage(.command(command), topology: topology))
            } catch {
                log.warning("the call's command was not confirmed; polling again", ["error": "\(error)"])
                return await reschedule(member, next, log)
            }
        }
        outcomes.inc(["provider": job.provider, "outcome": label])
        var fields = ["status": outcome.status, "key": digits, "outcome": label]
        if let command { fields.merge(["command": command.id, "action": command.action.rawValue]) { a, _ in a } }
        log.info("call outcome (polled)", fields)
        await finish(member, log)
    }

    /// How a polled call that ended without a key ended, by its provider's kind; nil when it
    /// was heard in full, or for a kind whose detail this does not read.
    static func ended(kind: VoiceConfig.Kind?, status: String) -> CallOutcome? {
        kind == .aliyun ? CallOutcome.aliyun(statusCode: status) : nil
    }

    /// Removes the job; a failure is logged (the job comes back when its lease ends).
    func finish(_ member: String, _ log: Logger) async {
        do { try await queue.finish(member) } catch { log.warning("cannot finish the call's polling", ["error": "\(error)"]) }
    }

    /// Polls the job again at `due`.
    func reschedule(_ member: String, _ due: Date, _ log: Logger) async {
        // If this fails, the lease ends and the job is due again anyway.
        do { try await queue.reschedule(member, due: due) } catch { log.warning("cannot reschedule the call's polling", ["error": "\(error)"]) }
    }
}
