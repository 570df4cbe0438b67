import AlertCore
import Blocking
import CurlClient
import Foundation

/// Posts chat messages to robots over libcurl, on dedicated threads (one keep-alive curl handle
/// per thread). Knows nothing of budgets: the caller spends one budget unit per request.
public final class ChatSender: Sendable {
    public let platform: any RobotPlatform
    private let clients: [HTTPClient]
    private let executor: BlockingExecutor
    private let timeout: Duration
    private let now: @Sendable () -> Date

    public init(platform: any RobotPlatform, threads: Int = 4, timeoutMillis: Int64 = 10_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.platform = platform
        clients = (0..<max(threads, 1)).map { _ in HTTPClient(responseLimit: 64 << 10) }
        executor = BlockingExecutor(name: "klaxon-robot", threads: clients.count)
        timeout = .milliseconds(timeoutMillis)
        self.now = now
    }

    deinit { executor.shutdown() }

    /// The requests `message` needs (what the budget must cover).
    public func requests(for message: ChatMessage, robot: RobotConfig) -> [RobotRequest] {
        platform.requests(for: message, robot: robot, now: now())
    }

    /// Sends the requests in order. Requests are signed when built, so build them just before.
    ///
    /// - Returns: errors of follow-up requests (WeCom's mention) that failed after the page
    ///   was accepted; the page counts as delivered.
    /// - Throws: `DeliveryError` when the page was not accepted: transport errors from
    ///   `HTTPClient.post`, HTTP status via `DeliveryError.classifyHTTP`, the platform's codes
    ///   via `RobotAnswer` (rate limit transient; signature, keyword, token permanent).
    public func send(_ requests: [RobotRequest], robot: RobotConfig) async throws(DeliveryError) -> [DeliveryError] {
        var followUps: [DeliveryError] = []
        for request in requests {
            do {
                try await post(request, robot: robot)
            } catch {
                if request.isPage { throw error }
                followUps.append(error)
            }
        }
        return followUps
    }

    private func post(_ request: RobotRequest, robot: RobotConfig) async throws(DeliveryError) {
        let clients = self.clients, timeout = self.timeout, platform = self.platform, name = robot.name
        let result: Result<Void, DeliveryError>
        do {
            result = try await executor.run { index -> Result<Void, DeliveryError> in
                do {
                    let (status, body) = try clients[index].post(
                        url: request.url, headers: [("Content-Type", "application/json; charset=utf-8")],
                        body: request.body, timeout: timeout)
                    if let e = platform.judge(status: status, body: body, robot: name) { return .failure(e) }
                    return .success(())
                } catch {
                    return .failure((error as? DeliveryError) ?? .transient(.network, "robot \(name): \(error)"))
                }
            }
        } catch {
            throw .transient(.network, "robot \(name): \(error)")
        }
        try result.get()
    }
}
