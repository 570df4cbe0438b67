import AlertCore
import Templates

/// The built-in templates, per channel and part: what Klaxon sends when no `templates:` set
/// overrides a part. Written to read well on a phone: status and title first, then severity,
/// start time in the integration's time zone, key labels, links and repeats.
public enum DefaultTemplates {
    /// Sources, for documentation and for operators who want to start from them.
    public static let sources: [Channel: [TemplatePart: String]] = [
        .email: [.subject: "{{headline}}", .text: emailText, .html: emailHTML],
        .dingtalk: [.title: "{{icon}} [{{status}}] {{alert.title}}", .text: dingtalkText, .digest: markdownDigest],
        .wecom: [.text: wecomText, .digest: wecomDigest],
        .feishu: [.text: feishuText, .digest: plainDigest],
        .voice: [.text: voiceText],
        .sms: [.text: smsText],
    ]

    /// Compiled once. A default that does not compile is our bug (a unit test compiles each).
    static let compiled: [Channel: [TemplatePart: Template]] = sources.mapValues { parts in
        parts.mapValues { source in
            do { return try Template(source: source) } catch { preconditionFailure("built-in template: \(error)") }
        }
    }

    /// The default for a part; every channel has every part `TemplatePart.parts(of:)` lists.
    public static func template(_ channel: Channel, _ part: TemplatePart) -> Template {
        guard let t = compiled[channel]?[part] else { preconditionFailure("no default \(channel.rawValue).\(part.rawValue) template") }
        return t
    }

    static let emailText = """
        {{headline}}
        {{#incident}}
        {{incident.text}}
        {{/incident}}

        Severity: {{severity}}
        Status:   {{alert.status}}
        Source:   {{alert.source}} (integration {{alert.integration}})
        Started:  {{alert.startsAt | time: timeZone}} ({{alert.startsAt}})
        {{#ended}}
        Ended:    {{ended | time: timeZone}} ({{ended}})
        {{/ended}}
        {{#repeated}}
        Repeated: repeated {{repeated}} {{repeatedTimes}} since the last notification
        {{/repeated}}
        {{#alert.message}}

        {{alert.message}}
        {{/alert.message}}
        {{#hasLabels}}

        Labels:
        {{#labelPairs}}
          {{key}} = {{value}}
        {{/labelPairs}}
        {{/hasLabels}}
        {{#hasAnnotations}}

        Annotations:
        {{#annotationPairs}}
          {{key}} = {{value}}
        {{/annotationPairs}}
        {{/hasAnnotations}}
        {{#hasLinks}}

        Links:
        {{#links}}
          {{title}} = {{url}}
        {{/links}}
        {{/hasLinks}}

        --\u{20}
        {{footer}}

        """

    static let emailHTML = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>{{headline}}</title></head>
        <body style="font-family:sans-serif">
        <h2>{{headline}}</h2>
        {{#incident}}
        <p><strong>{{incident.text}}</strong>{{#incident.link}} · <a href="{{incident.link}}">Acknowledge, resolve, snooze</a>{{/incident.link}}</p>
        {{/incident}}
        <table>
        <tr><th align="left">Severity</th><td>{{severity}}</td></tr>
        <tr><th align="left">Status</th><td>{{alert.status}}</td></tr>
        <tr><th align="left">Source</th><td>{{alert.source}} (integration {{alert.integration}})</td></tr>
        <tr><th align="left">Started</th><td>{{alert.startsAt | time: timeZone}} ({{alert.startsAt}})</td></tr>
        {{#ended}}
        <tr><th align="left">Ended</th><td>{{ended | time: timeZone}} ({{ended}})</td></tr>
        {{/ended}}
        {{#repeated}}
        <tr><th align="left">Repeated</th><td>repeated {{repeated}} {{repeatedTimes}} since the last notification</td></tr>
        {{/repeated}}
        </table>
        {{#alert.message}}
        <pre style="white-space:pre-wrap">{{alert.message}}</pre>
        {{/alert.message}}
        {{#hasLabels}}
        <h3>Labels</h3>
        <table>
        {{#labelPairs}}
        <tr><td><code>{{key}}</code></td><td>{{value}}</td></tr>
        {{/labelPairs}}
        </table>
        {{/hasLabels}}
        {{#hasAnnotations}}
        <h3>Annotations</h3>
        <table>
        {{#annotationPairs}}
        <tr><td><code>{{key}}</code></td><td>{{value}}</td></tr>
        {{/annotationPairs}}
        </table>
        {{/hasAnnotations}}
        {{#hasLinks}}
        <h3>Links</h3>
        <ul>
        {{#links}}
        {{#web}}
        <li><a href="{{url}}">{{title}}</a></li>
        {{/web}}
        {{^web}}
        <li>{{title}}: {{url}}</li>
        {{/web}}
        {{/links}}
        </ul>
        {{/hasLinks}}
        <p style="color:#777;font-size:small">{{footer}}</p>
        </body></html>

        """

    /// The end of both Markdown robot messages (DingTalk, WeCom): the alert's text, then its
    /// web links on one line.
    private static let markdownMessageAndLinks = """
        {{#alert.message}}

        {{alert.message}}
        {{/alert.message}}
        {{#hasLinks}}

        {{#links}}{{#web}}[{{title}}]({{url}})  {{/web}}{{/links}}
        {{/hasLinks}}
        """

    static let dingtalkText = """
        ### {{icon}} {{alert.title}}
        - **{{status}}** · {{severity}}
        {{#incident}}
        - {{incident.text}}
        {{/incident}}
        - Started: {{alert.startsAt | time: timeZone}}
        {{#ended}}
        - Ended: {{ended | time: timeZone}}
        {{/ended}}
        {{#repeated}}
        - Repeated {{repeated}} {{repeatedTimes}}
        {{/repeated}}
        {{#keyLabels}}
        - {{key}}: {{value}}
        {{/keyLabels}}
        \(markdownMessageAndLinks)
        """

    static let wecomText = """
        ### {{icon}} {{alert.title}}
        > <font color="{{color}}">{{status}}</font> · {{severity}}
        {{#incident}}
        > {{incident.text}}
        {{/incident}}
        > Started: {{alert.startsAt | time: timeZone}}
        {{#ended}}
        > Ended: {{ended | time: timeZone}}
        {{/ended}}
        {{#repeated}}
        > Repeated {{repeated}} {{repeatedTimes}}
        {{/repeated}}
        {{#keyLabels}}
        > {{key}}: <font color="comment">{{value}}</font>
        {{/keyLabels}}
        \(markdownMessageAndLinks)
        """

    static let feishuText = """
        {{icon}} [{{status}}] {{alert.title}}
        {{#incident}}
        {{incident.text}}
        {{/incident}}
        Severity: {{severity}}
        Started: {{alert.startsAt | time: timeZone}}
        {{#ended}}
        Ended: {{ended | time: timeZone}}
        {{/ended}}
        {{#repeated}}
        Repeated {{repeated}} {{repeatedTimes}}
        {{/repeated}}
        {{#keyLabels}}
        {{key}}: {{value}}
        {{/keyLabels}}
        {{#alert.message}}

        {{alert.message}}
        {{/alert.message}}
        {{#hasLinks}}

        {{#links}}
        {{title}}: {{url}}
        {{/links}}
        {{/hasLinks}}
        """

    /// What a call says before its key menu: short, no links or labels (a voice cannot read them).
    static let voiceText = """
        Klaxon alert. {{status}}, severity {{severity}}: {{alert.title}}.{{#incident}} {{incident.text}}.{{/incident}}
        """

    /// One text message: headline, the incident's line, the link.
    static let smsText = """
        {{headline}}
        {{#incident}}
        {{incident.text}}
        {{/incident}}
        Started: {{alert.startsAt | time: timeZone}}
        {{#links}}
        {{title}}: {{url}}
        {{/links}}
        """

    static let markdownDigest = """
        ### {{summary}}
        {{#alerts}}
        - {{icon}} **{{severity}}** {{alert.title}} · {{alert.startsAt | time: timeZone}}{{#repeated}} · ×{{repeated}}{{/repeated}}
        {{/alerts}}
        {{#more}}

        … and {{more}} more in the next message
        {{/more}}
        """

    static let wecomDigest = """
        ### {{summary}}
        {{#alerts}}
        > {{icon}} <font color="{{color}}">{{severity}}</font> {{alert.title}} · {{alert.startsAt | time: timeZone}}{{#repeated}} · ×{{repeated}}{{/repeated}}
        {{/alerts}}
        {{#more}}

        … and {{more}} more in the next message
        {{/more}}
        """

    static let plainDigest = """
        {{summary}}
        {{#alerts}}
        {{icon}} [{{severity}}] {{alert.title}} · {{alert.startsAt | time: timeZone}}{{#repeated}} · ×{{repeated}}{{/repeated}}
        {{/alerts}}
        {{#more}}

        … and {{more}} more in the next message
        {{/more}}
        """
}
