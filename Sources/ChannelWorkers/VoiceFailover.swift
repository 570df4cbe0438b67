import AlertCore
import Foundation

/// The pure part of a provider chain: what one provider's result means for the next, and what
/// the notification's result is once the chain stops.
public enum VoiceFailover {
    /// What one provider did with the request.
    public enum Attempt: Sendable, Equatable {
        /// Accepted, with the provider's id for the call or message.
        case sent(provider: String, id: String)
        /// Failed.
        case failed(provider: String, DeliveryError)
        /// Not tried: this callee's budget with the provider is spent for now.
        case overBudget(provider: String)
    }

    /// After an attempt: delivered, retry the notification later with this error, or try the
    /// next provider.
    public enum Next: Sendable, Equatable {
        case delivered
        case retryLater(DeliveryError)
        case nextProvider
    }

    /// Permanent errors, timeouts and spent budgets move to the next provider at once; another
    /// transient error (a 5xx, the provider's own rate limit, a lost connection) stops the chain
    /// and retries the whole notification through the delay queues; success stops it.
    public static func next(after attempt: Attempt) -> Next {
        switch attempt {
        case .sent: .delivered
        case .overBudget: .nextProvider
        case .failed(_, let e) where e.kind == .permanent || e.reason == .timeout: .nextProvider
        case .failed(_, let e): .retryLater(e)
        }
    }

    /// The result when every provider of the chain was tried (or skipped) without success: a
    /// permanent error naming each provider's reason, so the dead letter says it all.
    public static func exhausted(_ attempts: [Attempt], number: String) -> DeliveryError {
        guard !attempts.isEmpty else { return .permanent(.invalidPayload, "no voice chain matches \(number) (voice.chains)") }
        let reasons = attempts.compactMap { a -> String? in
            switch a {
            case .sent: nil
            case .overBudget(let p): "\(p): over the callee's call budget"
            case .failed(let p, let e): "\(p): \(e.kind.rawValue) \(e.reason.rawValue): \(e.detail)"
            }
        }
        let reason: DeliveryError.Reason =
            attempts.allSatisfy { if case .overBudget = $0 { true } else { false } }
            ? .rateLimited
            : attempts.reversed().compactMap { if case .failed(_, let e) = $0 { e.reason } else { nil } }.first ?? .vendorCode
        return .permanent(reason, "every provider failed for \(number): " + reasons.joined(separator: "; "))
    }
}
