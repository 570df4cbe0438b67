import AlertCore
import Blocking
import CurlClient
import Foundation

/// Sends notifications as e-mail through the configured SMTP server.
///
/// Sends run on a `BlockingExecutor` with `email.concurrency` dedicated threads (libcurl blocks);
/// thread `i` always uses SMTP client `i`, whose curl handle keeps its connection to the relay
/// open between mails. Rendering happens on the caller's task and is cheap.
public final class EmailNotifier: Notifier {
    private let composer: MailComposer
    private let clients: [SMTPClient]
    private let executor: BlockingExecutor
    private let render: @Sendable (AlertNotification) -> EmailContent
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - config: the `email:` section.
    ///   - render: turns a notification into subject and bodies (default: `EmailContent.render`).
    ///   - now: the clock for the `Date` header.
    /// - Throws: permanent `.invalidPayload` DeliveryError if `config.from` is not an address.
    public init(
        config: EmailConfig,
        render: @escaping @Sendable (AlertNotification) -> EmailContent = { EmailContent.render($0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(DeliveryError) {
        composer = try MailComposer(from: config.from, messageIDDomain: config.messageIDDomain)
        let smtp = SMTPClient.Configuration(config)
        clients = (0..<max(config.concurrency, 1)).map { _ in SMTPClient(configuration: smtp) }
        executor = BlockingExecutor(name: "klaxon-smtp", threads: clients.count)
        self.render = render
        self.now = now
    }

    deinit { executor.shutdown() }

    /// Renders, composes and sends one mail to all of `n.recipients` (one SMTP transaction).
    /// Throws `DeliveryError` only (see `SMTPClient.send` for what each kind and reason means;
    /// a bad recipient address is permanent `.invalidPayload`).
    public func send(_ n: AlertNotification) async throws {
        let mail = try composer.compose(n, content: render(n), date: now())
        let clients = self.clients
        try await executor.run { index in
            try clients[index].send(from: mail.envelopeFrom, recipients: mail.recipients, message: mail.bytes)
        }
    }
}
