import AlertCore

/// Sends one notification over one channel (e-mail, voice, a chat robot).
///
/// Contract: `send` returns once the channel accepted the notification (the SMTP server queued
/// the message, the robot answered success). It throws `DeliveryError` to say whether trying
/// again can help (`.transient`: retry later; `.permanent`: dead-letter now, with `reason` and
/// `detail` for the operator). Any other error is treated as transient by the caller.
/// Implementations are safe to call concurrently.
public protocol Notifier: Sendable {
    func send(_ n: AlertNotification) async throws
}
