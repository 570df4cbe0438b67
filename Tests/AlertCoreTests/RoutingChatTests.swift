import AlertCore
import Foundation
import Testing
import YAMLConfig

/// The router resolves whom a robot message mentions and which template it uses, so chat
/// workers never read routes (contract version 2).
@Suite struct RoutingChatTests {
    static let config = try! ConfigLoader.parse(
        """
        chat:
          robots:
            - name: ops
              platform: dingtalk
              webhook_env: DT_URL
              mention_mobiles: ["13800138000"]
              at_all_severities: [disaster]
              template: robot-set
        templates:
          robot-set: {}
          route-set: {}
        router:
          routes:
            - name: db
              match:
                - label: team
                  equals: database
              notify:
                dingtalk: [ops]
                email: [dba@example.com]
              mention_mobiles: ["13900139000", "13800138000"]
              at_all_severities: [critical]
              template: route-set
          default:
            notify:
              dingtalk: [ops]
        """, environment: ["DT_URL": "http://127.0.0.1:1/robot"])

    func route(_ labels: [String: String], status: AlertStatus = .firing) -> [AlertNotification] {
        AlertRouter.notifications(for: alert(labels, status: status), config: Self.config.router, chat: Self.config.chat)
    }

    @Test(
        arguments: [
            // labels, status, channel → mentions, atAll, template
            (["team": "database", "severity": "critical"], AlertStatus.firing, "dingtalk", ["13800138000", "13900139000"], true, "route-set"),
            (["team": "database", "severity": "warning"], .firing, "dingtalk", ["13800138000", "13900139000"], false, "route-set"),
            (["team": "database", "severity": "critical"], .resolved, "dingtalk", [], false, "route-set"),
            (["team": "web", "severity": "critical"], .firing, "dingtalk", ["13800138000"], false, "robot-set"),
            (["team": "web", "severity": "disaster"], .firing, "dingtalk", ["13800138000"], true, "robot-set"),
        ] as [([String: String], AlertStatus, String, [String], Bool, String)])
    func mentionsAndTemplateAreResolved(
        labels: [String: String], status: AlertStatus, channel: String, mentions: [String], atAll: Bool, template: String
    ) throws {
        let n = try #require(route(labels, status: status).first { $0.channel == channel })
        #expect(n.mentions == mentions)
        #expect(n.atAll == atAll)
        #expect(n.template == template)
        #expect(n.v == 2)
    }

    @Test func emailNotificationsCarryNoMentions() throws {
        let n = try #require(route(["team": "database", "severity": "critical"]).first { $0.channel == "email" })
        #expect(n.mentions == nil && n.atAll == nil)
        #expect(n.template == "route-set")
    }

    @Test func versionOneNotificationsAreStillRead() throws {
        let v1 = """
            {"v":1,"id":"n1","channel":"dingtalk","recipients":["ops"],"route":"default","alert":\(String(decoding: Codec.encode(alert(["a": "b"])), as: UTF8.self))}
            """
        let n = try Codec.decode(AlertNotification.self, from: Array(v1.utf8))
        #expect(n.v == 1 && n.mentions == nil && n.atAll == nil && n.recipients == ["ops"])
    }

    @Test func chatChannelsAreTheRobotsOnly() {
        #expect(Channel.allCases.filter(\.isChat) == [.dingtalk, .wecom, .feishu])
        #expect(!Channel.email.isChat)
    }
}
