import AlertCore
import Foundation
import Templates

/// Renders notifications with the operator's templates (`templates:` in the config) or the
/// built-in defaults, in the time zone of the integration that received each alert.
///
/// Escaping is chosen per output, never by the template: HTML for e-mail HTML bodies, none for
/// e-mail subjects and text, markdown and plain chat text (where `&amp;` would show literally).
public struct MessageTemplates: Sendable {
    public var templates: TemplatesConfig
    /// Integration name → IANA time zone identifier.
    public var timeZones: [String: String]
    /// Zone for alerts from integrations the config does not know.
    public var defaultTimeZone: String

    public init(templates: TemplatesConfig = TemplatesConfig(), timeZones: [String: String] = [:], defaultTimeZone: String = "UTC") {
        self.templates = templates
        self.timeZones = timeZones
        self.defaultTimeZone = defaultTimeZone
    }

    /// The templates and integration time zones of a whole config.
    public init(config: KlaxonConfig) {
        self.init(
            templates: config.templates,
            timeZones: Dictionary(config.integrations.map { ($0.name, $0.timeZone.identifier) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The operator's template for the part, else the channel's default.
    public func template(set: String?, channel: Channel, part: TemplatePart) -> Template {
        templates.template(set: set, channel: channel, part: part) ?? DefaultTemplates.template(channel, part)
    }

    public func timeZone(for alert: Alert) -> String { timeZones[alert.integration] ?? defaultTimeZone }

    /// Renders one part of one notification as plain text (no escaping).
    public func render(_ n: AlertNotification, channel: Channel, part: TemplatePart, set: String?) -> String {
        let context = TemplateContext.notification(n, timeZone: timeZone(for: n.alert))
        return template(set: set, channel: channel, part: part).render(.dictionary(context), escaping: .none)
    }

    /// Renders a digest of `shown` (with `more` following) as plain text.
    public func renderDigest(_ shown: [AlertNotification], more: Int, channel: Channel, set: String?) -> String {
        let context = TemplateContext.digest(shown, more: more, timeZone: timeZone(for:))
        return template(set: set, channel: channel, part: .digest).render(.dictionary(context), escaping: .none)
    }

    /// Subject, text and HTML of an e-mail, from the notification's template set (`n.template`).
    public func email(_ n: AlertNotification) -> EmailContent {
        let context = TemplateContext.notification(n, timeZone: timeZone(for: n.alert))
        func plain(_ part: TemplatePart) -> String {
            template(set: n.template, channel: .email, part: part).render(.dictionary(context), escaping: .none)
        }
        let html = MessageTemplates.renderHTML(template(set: n.template, channel: .email, part: .html), context: context)
        return EmailContent(subject: plain(.subject), text: plain(.text), html: html)
    }

    /// HTML with `'` escaped too (`.htmlStrict`): an operator's template may quote attributes
    /// with `'`, and a value must not close them.
    static func renderHTML(_ template: Template, context: [String: TemplateValue]) -> String {
        template.render(.dictionary(context), escaping: .htmlStrict)
    }
}
