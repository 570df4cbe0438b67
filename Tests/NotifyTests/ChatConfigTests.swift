import AlertCore
import Testing
import YAMLConfig

/// The chat and templates sections: every mistake is an error with its path.
@Suite("Chat and template config")
struct ChatConfigTests {
    static let env = [
        "DT_URL": "https://oapi.dingtalk.com/robot/send?access_token=abc", "DT_SECRET": "SECxyz",
        "WC_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    ]

    func issues(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml, environment: Self.env)
            return []
        } catch { return error.issues.map(\.description) }
    }

    static let good = """
        templates:
          short:
            dingtalk:
              title: "{{alert.title}}"
              text: "{{alert.title}} {{alert.startsAt | time: timeZone}}"
            email:
              subject: "[{{status}}] {{alert.title}}"
        chat:
          budgets:
            feishu: [100/1m, 5/1s]
          robots:
            - name: ops
              platform: dingtalk
              webhook_env: DT_URL
              secret_env: DT_SECRET
              mention_mobiles: ["13800138000"]
              at_all_severities: [critical]
              budget: [20/3s]
            - name: wc
              platform: wecom
              webhook_env: WC_URL
              template: short
        router:
          routes:
            - name: db
              match:
                - label: team
                  equals: db
              template: short
              mention_mobiles: ["+8613900139000"]
              notify:
                dingtalk: [ops]
                wecom: [wc]
        """

    @Test func aGoodConfigReads() throws {
        let c = try ConfigLoader.parse(Self.good, environment: Self.env)
        let ops = try #require(c.chat.robot(named: "ops"))
        #expect(ops.secret == "SECxyz" && ops.mentionMobiles == ["13800138000"])
        #expect(c.chat.budget(of: ops) == [RateLimit(messages: 20, windowMillis: 3000)])
        #expect(c.chat.budget(of: c.chat.robot(named: "wc")!) == [RateLimit(messages: 20, windowMillis: 60_000)])
        #expect(c.router.routes[0].template == "short")
        #expect(c.templates.template(set: "short", channel: .dingtalk, part: .text) != nil)
        #expect(c.templates.template(set: "short", channel: .dingtalk, part: .digest) == nil, "unset parts fall back to the default")
    }

    @Test(arguments: [
        (
            "text: \"{{alert.title}} {{alert.startsAt | time: timeZone}}\"", "text: \"{{#alert}}never closed\"",
            "templates.short.dingtalk.text (line 5): template does not compile: unclosed section"
        ),
        (
            "title: \"{{alert.title}}\"", "title: \"{{alert.title | shout}}\"",
            "templates.short.dingtalk.title (line 4): template does not compile: unknown helper 'shout'"
        ),
        (
            "dingtalk: [ops]", "dingtalk: [nobody]",
            "router.routes[0].notify.dingtalk[0]: no robot named \"nobody\" in chat.robots; dingtalk robots: ops"
        ),
        ("wecom: [wc]", "wecom: [ops]", "router.routes[0].notify.wecom[0]: robot \"ops\" is a dingtalk robot, not wecom"),
        (
            "      template: short\n      mention", "      template: long\n      mention",
            "router.routes[0].template (line 29): no template set named \"long\" in templates (defined: short)"
        ),
        ("budget: [20/3s]", "budget: [twenty]", "chat.robots[0].budget[0]: expected messages/window such as 20/1m or 5/1s, got \"twenty\""),
        ("\"13800138000\"", "\"call-me\"", "chat.robots[0].mention_mobiles[0]: not a phone number: \"call-me\" (digits, optionally a leading +)"),
        ("secret_env: DT_SECRET", "secret_env: DT_URL", "chat.robots[0].secret_env (line 15): a DingTalk signing secret starts with SEC"),
        ("platform: wecom", "platform: slack", "chat.robots[1].platform (line 20): expected one of dingtalk, wecom, feishu, got \"slack\""),
        ("subject:", "subjekt:", "templates.short.email.subjekt (line 7): unknown key"),
    ])
    func eachMistakeIsReportedWithItsPath(_ change: (String, String, String)) {
        let yaml = Self.good.replacingOccurrences(of: change.0, with: change.1)
        #expect(yaml != Self.good, "the fixture edit did not apply: \(change.0)")
        let found = issues(yaml)
        #expect(found.contains { $0.hasPrefix(change.2) }, "expected \(change.2), got \(found)")
    }
}
