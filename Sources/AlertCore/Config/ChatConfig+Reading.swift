import Foundation

extension ChatConfig {
    static func read(_ m: MappingReader?, environment: [String: String], templateSets: Set<String>) -> ChatConfig {
        var c = ChatConfig()
        guard let m else { return c }
        c.timeoutMillis = m.duration("timeout", default: c.timeoutMillis, min: 500)
        c.maxPending = m.int("max_pending", default: c.maxPending, range: 1...10_000)
        c.httpThreads = m.int("http_threads", default: c.httpThreads, range: 1...64)
        if let b = m.mapping("budgets") {
            for key in b.keys {
                guard let channel = Channel(rawValue: key), channel.isChat else {
                    _ = b.node(key)
                    b.report(key, "expected one of \(Channel.chat.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                if let limits = readBudget(b, key: key) { c.budgets[channel] = limits }
            }
            b.finish()
        }
        var names: Set<String> = []
        for r in m.mappings("robots") {
            if let robot = readRobot(r, environment: environment, templateSets: templateSets) {
                if !names.insert(robot.name).inserted { r.report("name", "duplicate robot name \"\(robot.name)\"") }
                c.robots.append(robot)
            }
            r.finish()
        }
        m.finish()
        return c
    }

    /// A list of `N/duration` limits, e.g. `[100/1m, 5/1s]`.
    static func readBudget(_ m: MappingReader, key: String) -> [RateLimit]? {
        guard let list = m.stringList(key) else { return nil }
        if list.isEmpty { m.report(key, "list at least one limit such as 20/1m") }
        var out: [RateLimit] = []
        for (i, s) in list.enumerated() {
            if let l = RateLimit(s) {
                out.append(l)
            } else {
                m.diagnostics.report("\(m.pathOf(key))[\(i)]", "expected messages/window such as 20/1m or 5/1s, got \"\(s)\"")
            }
        }
        return out.isEmpty ? nil : out
    }

    static func readRobot(_ r: MappingReader, environment: [String: String], templateSets: Set<String>) -> RobotConfig? {
        let name = r.requiredString("name") ?? ""
        var platform: Channel?
        if let p = r.string("platform") {
            if let ch = Channel(rawValue: p), ch.isChat {
                platform = ch
            } else {
                r.report("platform", "expected one of \(Channel.chat.map(\.rawValue).joined(separator: ", ")), got \"\(p)\"")
            }
        } else {
            r.report("platform", "missing (required)")
        }
        let webhook = r.secret("webhook_env", environment: environment, required: true) ?? ""
        if !webhook.isEmpty, !(webhook.hasPrefix("https://") || webhook.hasPrefix("http://")) || URLComponents(string: webhook)?.host == nil {
            // Never echo the value: it holds the robot's token.
            r.report("webhook_env", "the variable's value is not an http(s) URL")
        }
        var secret: String?
        if r.node("secret_env") != nil {
            secret = r.secret("secret_env", environment: environment, required: false)
            if platform == .wecom { r.report("secret_env", "WeCom robots are not signed; remove secret_env") }
            if platform == .dingtalk, let s = secret, !s.hasPrefix("SEC") {
                r.report("secret_env", "a DingTalk signing secret starts with SEC (check the variable holds the secret, not the token)")
            }
        }
        let mobiles = RouterConfig.readMobiles(r, key: "mention_mobiles")
        let atAll = r.stringList("at_all_severities") ?? []
        var template: String?
        if let t = r.string("template") {
            template = t
            if !templateSets.contains(t) { r.report("template", "no template set named \"\(t)\" in templates") }
        }
        let budget = readBudget(r, key: "budget") ?? []
        var maxBytes: Int?
        if r.keys.contains("max_bytes") { maxBytes = r.int("max_bytes", default: 4096, range: 256...1_000_000) }
        guard let platform, !name.isEmpty else { return nil }
        return RobotConfig(
            name: name, platform: platform, webhook: webhook, secret: secret, mentionMobiles: mobiles,
            atAllSeverities: atAll, template: template, budget: budget, maxBytes: maxBytes)
    }
}
