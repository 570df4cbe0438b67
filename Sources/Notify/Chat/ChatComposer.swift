import AlertCore
import Foundation

/// Turns the notifications waiting for one robot into the next message: the single page when
/// one waits, else a digest of as many as fit the platform's size limit (the rest wait for the
/// next message, and the digest says so). Pure: templates in, text out.
public struct ChatComposer: Sendable {
    public let platform: any RobotPlatform
    public let templates: MessageTemplates

    public init(platform: any RobotPlatform, templates: MessageTemplates) {
        self.platform = platform
        self.templates = templates
    }

    /// The message for the oldest waiting notifications of `robot`, and how many of `pending`
    /// (from the front) it delivers: at least one.
    public func compose(_ pending: [AlertNotification], robot: RobotConfig) -> (message: ChatMessage, used: Int) {
        precondition(!pending.isEmpty, "compose needs a notification")
        let limit = min(robot.maxBytes ?? platform.maxTextBytes, platform.maxTextBytes)
        let channel = platform.channel
        if pending.count == 1 {
            let n = pending[0]
            let (mobiles, atAll) = mentions([n], robot: robot)
            let room = limit - platform.mentionSuffix(mobiles: mobiles, atAll: atAll).utf8.count
            let set = n.template ?? robot.template
            let title = channel == .dingtalk ? TextLimit.cut(templates.render(n, channel: channel, part: .title, set: set), maxBytes: 256) : ""
            let text = TextLimit.cut(templates.render(n, channel: channel, part: .text, set: set), maxBytes: room)
            return (ChatMessage(title: title, text: text, mentionMobiles: mobiles, atAll: atAll, notificationIDs: [n.id]), 1)
        }
        // A digest: the largest prefix whose rendering fits (binary search; at least one).
        let set = robot.template
        func render(_ k: Int) -> (text: String, mobiles: [String], atAll: Bool, fits: Bool) {
            let shown = Array(pending.prefix(k))
            let (mobiles, atAll) = mentions(shown, robot: robot)
            let room = limit - platform.mentionSuffix(mobiles: mobiles, atAll: atAll).utf8.count
            let text = templates.renderDigest(shown, more: pending.count - k, channel: channel, set: set)
            return (text, mobiles, atAll, text.utf8.count <= room)
        }
        var best = render(pending.count)
        var used = pending.count
        if !best.fits {
            var lo = 1, hi = pending.count - 1
            used = 1
            best = render(1)
            while lo <= hi {
                let mid = (lo + hi) / 2
                let r = render(mid)
                if r.fits { used = mid; best = r; lo = mid + 1 } else { hi = mid - 1 }
            }
        }
        let shown = Array(pending.prefix(used))
        let room = limit - platform.mentionSuffix(mobiles: best.mobiles, atAll: best.atAll).utf8.count
        let title = TemplateContext.summary(shown.map(\.alert), more: pending.count - used)
        return (
            ChatMessage(
                title: TextLimit.prefix(title, maxBytes: 256), text: TextLimit.cut(best.text, maxBytes: room),
                mentionMobiles: best.mobiles, atAll: best.atAll, notificationIDs: shown.map(\.id)), used
        )
    }

    /// Whom the message mentions: what the router resolved into each notification. A version 1
    /// notification (before the router resolved mentions) falls back to the robot's own
    /// `mention_mobiles` and `at_all_severities`, for firing alerts.
    func mentions(_ ns: [AlertNotification], robot: RobotConfig) -> (mobiles: [String], atAll: Bool) {
        var mobiles: [String] = []
        var atAll = false
        for n in ns {
            let own: [String]
            if let resolved = n.mentions {
                own = resolved
                atAll = atAll || n.atAll == true
            } else {
                guard n.alert.status == .firing else { continue }
                own = robot.mentionMobiles
                atAll = atAll || (!n.alert.severity.isEmpty && robot.atAllSeverities.contains(n.alert.severity))
            }
            for m in own where !mobiles.contains(m) { mobiles.append(m) }
        }
        return (mobiles, atAll)
    }
}
