import Templates

/// One piece of a rendered message.
public enum TemplatePart: String, Sendable, CaseIterable {
    /// E-mail subject.
    case subject
    /// DingTalk markdown title (the line phones show in the notification).
    case title
    /// The body: e-mail plain text, DingTalk/WeCom markdown, Feishu text, what a call says, an SMS.
    case text
    /// E-mail HTML body (rendered with HTML escaping).
    case html
    /// A chat digest: several alerts merged into one message when a robot's budget is short.
    case digest

    /// The parts a channel renders.
    public static func parts(of channel: Channel) -> [TemplatePart] {
        switch channel {
        case .email: [.subject, .text, .html]
        case .dingtalk: [.title, .text, .digest]
        case .wecom, .feishu: [.text, .digest]
        case .voice, .sms: [.text]
        }
    }
}

/// `templates:` named template sets that override the built-in defaults, per channel and part:
///
/// ```yaml
/// templates:
///   db-page:                  # chosen by a route (template: db-page) or a robot
///     dingtalk:
///       title: "{{alert.severity}}: {{alert.title}}"
///       text: |
///         ### {{alert.title}}
///         Started {{alert.startsAt | time: timeZone}}
///     email:
///       subject: "[{{status}}] {{alert.title}}"
/// ```
///
/// Every template is compiled when the config is read: one that does not compile is a config
/// error with its path (`templates.db-page.dingtalk.text`), found by `klaxonctl config check`
/// and at start-up. A part a set leaves out falls back to the channel's default.
public struct TemplatesConfig: Sendable {
    public var sets: [String: [Channel: [TemplatePart: Template]]]

    public init(sets: [String: [Channel: [TemplatePart: Template]]] = [:]) { self.sets = sets }

    /// The operator's template for a part, or `nil` when the set (or the part) is not defined.
    public func template(set: String?, channel: Channel, part: TemplatePart) -> Template? {
        guard let set else { return nil }
        return sets[set]?[channel]?[part]
    }

    static func read(_ m: MappingReader?) -> TemplatesConfig {
        var c = TemplatesConfig()
        guard let m else { return c }
        for name in m.keys {
            guard let set = m.mapping(name) else { continue }
            if name.isEmpty { m.report(name, "a template set needs a name") }
            var channels: [Channel: [TemplatePart: Template]] = [:]
            for key in set.keys {
                guard let channel = Channel(rawValue: key) else {
                    _ = set.node(key)
                    set.report(key, "unknown channel; expected one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                guard let partsReader = set.mapping(key) else { continue }
                var parts: [TemplatePart: Template] = [:]
                for part in TemplatePart.parts(of: channel) {
                    guard let source = partsReader.string(part.rawValue) else { continue }
                    do { parts[part] = try Template(source: source) } catch {
                        partsReader.report(part.rawValue, "template does not compile: \(error.description)")
                    }
                }
                partsReader.finish()
                channels[channel] = parts
            }
            set.finish()
            c.sets[name] = channels
        }
        return c
    }
}
