import AlertCore

/// What a chat dispatcher needs from a robot sender: the platform, the requests a message
/// takes (what the budget must cover), and sending them. `ChatSender` (libcurl) is the real
/// one; tests use a recording fake.
public protocol ChatSending: Sendable {
    /// The robot platform the requests are built for.
    var platform: any RobotPlatform { get }
    /// The requests `message` needs, signed now: build them just before sending.
    func requests(for message: ChatMessage, robot: RobotConfig) -> [RobotRequest]
    /// Sends the requests in order. Returns the errors of follow-up requests that failed after
    /// the page was accepted; throws `DeliveryError` when the page was not accepted.
    func send(_ requests: [RobotRequest], robot: RobotConfig) async throws(DeliveryError) -> [DeliveryError]
}

extension ChatSender: ChatSending {}
