import AMQP
import AlertCore
import Escalation
import Foundation
import Notify
import OnCall
import Redis
import WorkerKit

/// Delivers a voice or SMS notification through the provider chain of each recipient's number
/// (`voice.chains`): a provider whose per-callee budget is spent is skipped, a permanent error
/// or a timeout moves on to the next, another transient error retries the notification later,
/// and when every provider failed the notification is dead-lettered with every reason.
///
/// With Redis, every call is recorded (`VoiceCallBook`: by its reference before it is placed,
/// by the provider's call id once accepted) so the gateway can tie receipts to the incident, and
/// a call whose provider polls for its outcome is queued for the `VoiceOutcomePoller`.
public struct VoiceDispatcher: Sendable {
    let channel: Channel
    let config: VoiceConfig
    let providers: [String: any VoiceProvider]
    let budget: any RobotBudget
    let namespace: String
    let templates: MessageTemplates
    let people: [Person]
    let logger: Logger
    let stats: VoiceMetrics
    let calls: VoiceCallBook?
    let polls: VoicePollQueue?
    /// Where a page call that no provider placed is reported to the escalator (`callOutcome`
    /// failed: the person's next contact steps go at once); nil: not reported.
    let outcomes: (any MessagePublishing)?
    let now: @Sendable () -> Date

    /// `redis` (nil: none) records the calls and queues the polled ones.
    public init(
        channel: Channel, config: KlaxonConfig, providers: [String: any VoiceProvider], budget: any RobotBudget, logger: Logger,
        metrics: Metrics, redis: (any RedisCommanding)? = nil, outcomes: (any MessagePublishing)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        precondition(channel.isPhone, "\(channel.rawValue) is not a phone channel")
        self.channel = channel
        self.config = config.voice
        self.providers = providers
        self.budget = budget
        self.namespace = config.broker.namespace
        self.templates = MessageTemplates(config: config)
        self.people = config.people
        self.logger = logger
        self.stats = VoiceMetrics(metrics)
        self.calls = redis.map { VoiceCallBook(redis: $0, namespace: config.broker.namespace) }
        self.polls = redis.map { VoicePollQueue(redis: $0, namespace: config.broker.namespace) }
        self.outcomes = outcomes
        self.now = now
    }

    /// Calls (or texts) every recipient; the first failure that stops a chain is the result.
    public func deliver(_ n: AlertNotification) async -> Result<Void, DeliveryError> {
        guard !n.recipients.isEmpty else { return .failure(.permanent(.invalidPayload, "notification \(n.id) has no recipient")) }
        let message = templates.render(n, channel: channel, part: .text, set: n.template)
        for number in n.recipients {
            guard Checks.isE164(number) else { return .failure(.permanent(.invalidPayload, "not an E.164 number: \(number)")) }
            let language = people.first { $0.phone == number }?.language ?? "en-US"
            let request = VoiceRequest(
                kind: channel == .voice ? .call : .sms, notificationID: n.id, incidentID: n.incident?.id ?? "", to: number,
                message: message, language: language)
            if case .failure(let e) = await deliver(request) { return .failure(e) }
        }
        return .success(())
    }

    /// One request through its number's chain.
    func deliver(_ request: VoiceRequest) async -> Result<Void, DeliveryError> {
        let log = logger.with(["notification": request.notificationID, "to": request.to])
        let call = VoiceCallbacks.Call(notification: request.notificationID, incident: request.incidentID, to: request.to)
        if request.kind == .call, let calls {
            do { try await calls.record(call, reference: request.reference) } catch {
                log.warning("cannot record the call; its receipts will not find the incident", ["error": "\(error)"])
            }
        }
        var attempts: [VoiceFailover.Attempt] = []
        for provider in config.chain(for: request.to) {
            let attempt = await attempt(request, provider: provider)
            attempts.append(attempt)
            switch attempt {
            case .sent(let name, let id):
                stats.sent.inc(["channel": channel.rawValue, "provider": name])
                log.info("placed", ["provider": name, "provider_id": id, "kind": request.kind.rawValue, "reference": request.reference])
                if request.kind == .call { await placed(request, call, provider: provider, id: id, log: log) }
            case .overBudget(let name):
                stats.budgetSkips.inc(["channel": channel.rawValue, "provider": name])
                log.warning("over the callee's budget with this provider; trying the next", ["provider": name])
            case .failed(let name, let e):
                stats.failed.inc(["channel": channel.rawValue, "provider": name, "reason": e.reason.rawValue])
                log.warning("provider failed", ["provider": name, "error": e.description])
            }
            switch VoiceFailover.next(after: attempt) {
            case .delivered: return .success(())
            case .retryLater(let e): return .failure(e)
            case .nextProvider: continue
            }
        }
        if request.kind == .call { await reportUnplaced(request, log: log) }
        return .failure(VoiceFailover.exhausted(attempts, number: request.to))
    }

    /// A page call no provider placed (each failed, or the callee's budgets are spent) is, for
    /// the escalator, a call nobody answered: the person's next contact steps (an SMS) go at
    /// once instead of when due. Reported once per notification and number; a failed publish is
    /// logged (the policy's next step still fires when due).
    func reportUnplaced(_ request: VoiceRequest, log: Logger) async {
        guard let outcomes, !request.incidentID.isEmpty,
            let command = PhoneKey.outcomeCommand(
                .failed, incidentID: request.incidentID, to: request.to, people: people, id: "voice:\(request.notificationID):\(request.to):unplaced",
                at: now())
        else { return }
        do {
            try await outcomes.publish(OutboundMessage(.command(command), topology: Topology(namespace: namespace)))
        } catch {
            log.warning("cannot tell the escalator the call was not placed; the next step fires when due", ["error": "\(error)"])
        }
    }

    /// Records an accepted call under the provider's id and queues its polling, if its provider
    /// polls. Failures are logged: the call rings anyway.
    func placed(_ request: VoiceRequest, _ call: VoiceCallbacks.Call, provider: VoiceConfig.Provider, id: String, log: Logger) async {
        do { try await calls?.record(call, kind: provider.kind, callID: id) } catch {
            log.warning("cannot record the call's id; its receipts will not find the incident", ["error": "\(error)"])
        }
        guard let polls, let p = providers[provider.name] as? any VoiceOutcomePolling, p.polls(request) else { return }
        let at = now()
        let placedAt = Int64(at.timeIntervalSince1970 * 1000)
        let job = VoicePollJob(provider: provider.name, callID: id, call: call, placedAt: placedAt, until: placedAt + p.pollForMillis)
        do { try await polls.add(job, due: at.addingTimeInterval(Double(p.pollIntervalMillis) / 1000)) } catch {
            log.warning("cannot queue the call's polling; a key pressed will not be seen", ["error": "\(error)"])
        }
    }

    func attempt(_ request: VoiceRequest, provider: VoiceConfig.Provider) async -> VoiceFailover.Attempt {
        guard let p = providers[provider.name] else { return .failed(provider: provider.name, .permanent(.invalidPayload, "not built")) }
        let key = RedisKeys.voiceBudget(namespace, channel, provider.name, request.to)
        var grant: BudgetGrant?
        if !provider.limits.isEmpty {
            guard case .granted(let g) = await budget.acquire(key, cost: 1, limits: provider.limits) else {
                return .overBudget(provider: provider.name)
            }
            grant = g
        }
        let result: VoiceFailover.Attempt
        do throws(DeliveryError) {
            result = .sent(provider: provider.name, id: try await p.send(request))
        } catch {
            result = .failed(provider: provider.name, error)
        }
        // A carrier counts a failed call too: the slot is kept (re-stamped) whatever the result.
        if let grant { await budget.settle(key, grant, limits: provider.limits) }
        return result
    }
}

/// `klaxon_voice_*` metrics, registered once.
struct VoiceMetrics: Sendable {
    let sent: Counter
    let failed: Counter
    let budgetSkips: Counter

    init(_ metrics: Metrics) {
        sent = metrics.counter("klaxon_voice_sent_total", "Calls and SMS a provider accepted, by channel and provider.")
        failed = metrics.counter("klaxon_voice_provider_failures_total", "Provider attempts that failed, by channel, provider and reason.")
        budgetSkips = metrics.counter(
            "klaxon_voice_budget_skips_total", "Providers skipped because the callee's budget was spent, by channel and provider.")
    }
}
