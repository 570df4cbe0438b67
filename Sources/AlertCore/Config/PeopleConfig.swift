import Foundation
import OnCall

/// `people:` who can be paged: contacts, time zone, language and contact rules per urgency.
///
/// ```yaml
/// people:
///   - id: alice
///     name: Alice Zhang
///     email: alice@example.com
///     phone: "+8613800138000"          # E.164
///     time_zone: Asia/Shanghai
///     language: zh-CN                  # zh-CN, ru-RU, en-US, …
///     dingtalk: {robot: ops-dingtalk, mobile: "13800138000"}   # mobile defaults to the phone
///     wecom: {robot: ops-wecom}
///     feishu: {robot: ops-feishu, user_id: ou_123}
///     contact_rules:
///       default: [email, dingtalk]
///       important: [dingtalk, {channel: email, after: 2m}]
/// ```
///
/// A contact step naming a channel the person cannot be reached on, or a robot that
/// `chat.robots` does not define for that platform, is an error with its path.
enum PeopleConfig {
    static func read(_ top: MappingReader, robots: [String: Channel]) -> [Person] {
        var people: [Person] = []
        let list = top.mappings("people")
        for p in list {
            let id = p.requiredString("id") ?? ""
            var person = Person(
                id: PersonID(id), name: p.string("name") ?? id, email: p.string("email"), phone: p.string("phone"),
                timeZone: p.string("time_zone") ?? "UTC", language: p.string("language") ?? "en-US")
            readChat(p, into: &person, robots: robots)
            if let rules = p.mapping("contact_rules") {
                for urgency in Urgency.allCases {
                    if let steps = readSteps(rules, key: urgency.rawValue) { person.contactRules[urgency] = steps }
                }
                rules.finish()
            }
            p.finish()
            people.append(person)
        }
        for issue in PersonValidation.issues(people, base: top.pathOf("people")) {
            top.diagnostics.report(issue.path, issue.message)
        }
        return people
    }

    /// `dingtalk:`, `wecom:`, `feishu:` — the robot to post to and the handle to mention.
    static func readChat(_ p: MappingReader, into person: inout Person, robots: [String: Channel]) {
        for channel in Channel.chat {
            guard let m = p.mapping(channel.rawValue), !m.keys.isEmpty else { continue }
            let robot = m.requiredString("robot")
            if let robot, !robot.isEmpty, robots[robot] != channel {
                let same = robots.filter { $0.value == channel }.keys.sorted()
                m.report(
                    "robot",
                    robots[robot] == nil
                        ? "no robot named \"\(robot)\" in chat.robots"
                            + (same.isEmpty ? "" : "; \(channel.rawValue) robots: \(same.joined(separator: ", "))")
                        : "robot \"\(robot)\" is a \(robots[robot]!.rawValue) robot, not \(channel.rawValue)")
            }
            switch channel {
            case .dingtalk:
                person.chat.dingtalkRobot = robot
                person.chat.dingtalkMobile = m.string("mobile")
            case .wecom:
                person.chat.wecomRobot = robot
                person.chat.wecomMobile = m.string("mobile")
            case .feishu:
                person.chat.feishuRobot = robot
                person.chat.feishuUserID = m.string("user_id")
            default:
                break
            }
            m.finish()
        }
    }

    /// A list of steps: `email`, or `{channel: sms, after: 2m}`.
    static func readSteps(_ rules: MappingReader, key: String) -> [ContactStep]? {
        guard let n = rules.node(key) else { return nil }
        guard case .sequence(let items, _) = n else {
            rules.report(key, "expected a list of channels, got \(n.kindName)")
            return nil
        }
        var steps: [ContactStep] = []
        for (i, item) in items.enumerated() {
            let path = "\(rules.pathOf(key))[\(i)]"
            switch item {
            case .scalar(let channel, _):
                steps.append(ContactStep(channel))
            case .mapping:
                guard let m = MappingReader(item, path: path, diagnostics: rules.diagnostics) else { continue }
                let channel = m.requiredString("channel") ?? ""
                let after = m.duration("after", default: 0)
                m.finish()
                steps.append(ContactStep(channel, after: Int(after / 1000)))
            default:
                rules.diagnostics.report(path, "expected a channel name or {channel, after}, got \(item.kindName)", line: item.line)
            }
        }
        return steps
    }
}
