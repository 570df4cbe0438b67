import AlertCore
import Foundation
import OnCall
import OnCallRuntime

/// `klaxonctl oncall feed-url SCHEDULE` or `oncall feed-url --person ID`: prints the URL of the
/// calendar feed the gateway serves for that schedule or person (`CalendarFeed`), under
/// `gateway.public_url` or else `http://<gateway.listen>`. The token is signed with the secret
/// `oncall.feed_secret_env` names, which must be set; without that key the gateway serves no
/// feeds (exit 1).
enum OnCallFeedURLCommand {
    static func run(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        let subject: CalendarFeed.Subject
        switch (a.positional.first, a.value("person")) {
        case (let name?, nil) where a.positional.count == 1:
            subject = .schedule(try ctx.schedule(name).name)
        case (nil, let id?):
            guard ctx.personIDs.contains(PersonID(id)) else { throw .usage("--person: no person with id \"\(id)\" in people") }
            subject = .person(PersonID(id))
        default:
            throw .usage("oncall feed-url: give one SCHEDULE or --person ID")
        }
        guard let secret = ctx.config.oncall.feedSecret else {
            throw CtlError(.failure, "\(ctx.configPath) has no oncall.feed_secret_env: the gateway serves no calendar feeds")
        }
        let base = ctx.config.gateway.publicURL ?? "http://\(ctx.config.gateway.listen)"
        io.out(CalendarFeed.url(base: base, subject: subject, secret: secret))
        return .ok
    }
}
