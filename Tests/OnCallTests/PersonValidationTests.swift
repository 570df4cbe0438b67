import Foundation
import Testing
@testable import OnCall
import TimeKit

/// People validation: every problem reported at its config path.
@Suite struct PersonValidationTests {
    static let good = Person(
        id: "li", name: "Li Wei", email: "li@example.cn", phone: "+8613800000000",
        chat: ChatHandles(feishuUserID: "ou_123", dingtalkRobot: "dt", wecomRobot: "wc", feishuRobot: "fs"), timeZone: "Asia/Shanghai",
        language: "zh-CN",
        contactRules: [
            .default: [ContactStep("dingtalk"), ContactStep("voice", after: 300)],
            .important: [ContactStep("voice"), ContactStep("feishu", after: 60)],
        ])

    static func with(_ change: (inout Person) -> Void) -> Person {
        var p = good
        change(&p)
        return p
    }

    /// (what, the person alone in the list, expected (path, message fragment) pairs in order)
    static let cases: [(String, Person, [(String, String)])] = [
        ("a complete person has no issues", good, []),
        (
            "voice without a phone",
            with {
                $0.phone = nil; $0.chat.dingtalkMobile = "13800000000"
            },
            [
                ("people[0].contact_rules.default[1]", "needs a phone"),
                ("people[0].contact_rules.important[0]", "needs a phone"),
            ]
        ),
        (
            "dingtalk without handle or phone",
            with {
                $0.phone = nil
                $0.contactRules = [.default: [ContactStep("email"), ContactStep("dingtalk", after: 60)]]
            }, [("people[0].contact_rules.default[1]", "DingTalk")]
        ),
        (
            "wecom handle without a phone is enough",
            with {
                $0.phone = nil
                $0.chat.wecomMobile = "13800000000"
                $0.contactRules = [.default: [ContactStep("wecom")]]
            }, []
        ),
        ("dingtalk needs the robot to post to", with { $0.chat.dingtalkRobot = nil }, [("people[0].contact_rules.default[0]", "dingtalk.robot")]),
        ("a phone is enough to mention on DingTalk", with { $0.chat.dingtalkMobile = nil }, []),
        ("feishu needs a user id", with { $0.chat.feishuUserID = nil }, [("people[0].contact_rules.important[1]", "Feishu")]),
        (
            "email step without address",
            with {
                $0.email = nil; $0.contactRules[.default] = [ContactStep("email")]
            },
            [("people[0].contact_rules.default[0]", "e-mail")]
        ),
        (
            "unknown channel", with { $0.contactRules[.important] = [ContactStep("pager")] },
            [("people[0].contact_rules.important[0]", "unknown channel 'pager'")]
        ),
        (
            "negative delay", with { $0.contactRules[.default] = [ContactStep("sms", after: -5)] },
            [("people[0].contact_rules.default[0]", "negative")]
        ),
        (
            "no default steps", with { $0.contactRules = [.important: [ContactStep("voice")]] },
            [("people[0].contact_rules.default", "never be paged")]
        ),
        ("phone without +", with { $0.phone = "13800000000" }, [("people[0].phone", "E.164")]),
        ("phone too long", with { $0.phone = "+1234567890123456" }, [("people[0].phone", "E.164")]),
        ("phone with a leading zero", with { $0.phone = "+0123456789" }, [("people[0].phone", "E.164")]),
        ("phone with spaces", with { $0.phone = "+86 138 0000 0000" }, [("people[0].phone", "E.164")]),
        ("bad e-mail", with { $0.email = "li at example" }, [("people[0].email", "e-mail")]),
        ("unknown zone", with { $0.timeZone = "Asia/Peking" }, [("people[0].time_zone", "Asia/Peking")]),
        ("empty zone", with { $0.timeZone = "" }, [("people[0].time_zone", "unknown time zone")]),
        ("underscore language", with { $0.language = "zh_CN" }, [("people[0].language", "zh_CN")]),
        ("unknown language", with { $0.language = "xx-YY" }, [("people[0].language", "xx-YY")]),
        ("unknown region", with { $0.language = "ru-QQ" }, [("people[0].language", "ru-QQ")]),
        ("empty id", with { $0.id = "" }, [("people[0].id", "empty")]),
    ]

    @Test(arguments: cases)
    func issues(_ c: (String, Person, [(String, String)])) {
        let got = PersonValidation.issues([c.1])
        #expect(got.map(\.path) == c.2.map(\.0), "\(c.0): \(got)")
        for (issue, expected) in zip(got, c.2) {
            #expect(issue.message.contains(expected.1), "\(c.0): \(issue)")
        }
    }

    @Test func mentionsUseTheHandleElseTheLocalPhone() {
        #expect(Self.good.mention(on: "dingtalk") == "13800000000", "+86 dropped: DingTalk registers local numbers")
        #expect(Self.with { $0.chat.dingtalkMobile = "13911112222" }.mention(on: "dingtalk") == "13911112222")
        #expect(Self.with { $0.phone = "+4915112345678" }.mention(on: "wecom") == "+4915112345678")
        #expect(Self.good.mention(on: "feishu") == "ou_123" && Self.good.robot(on: "feishu") == "fs")
        #expect(Self.good.mention(on: "email") == nil)
    }

    @Test func pathsCountPeopleAndRepeatedIds() {
        let people = [
            Self.good,
            Self.with {
                $0.id = "ivan"; $0.language = "ru-RU"; $0.timeZone = "Europe/Moscow"
            },
            Self.with {
                $0.phone = nil; $0.chat.dingtalkMobile = "13800000000"; $0.id = "x"
            }, Self.good,
        ]
        let got = PersonValidation.issues(people).map(\.description)
        #expect(
            got == [
                "people[2].contact_rules.default[1]: channel 'voice' needs a phone, which this person lacks",
                "people[2].contact_rules.important[0]: channel 'voice' needs a phone, which this person lacks",
                "people[3].id: 'li' is used by an earlier person",
            ])
    }

    /// (tag, known)
    @Test(arguments: [
        ("zh-CN", true), ("ru-RU", true), ("en-US", true), ("en", true), ("zh-Hans-CN", true), ("es-419", true),
        ("zh_CN", false), ("EN-us", false), ("en-us", false), ("zh-hans-CN", false), ("", false), ("en-US-x", false),
    ])
    func languageTags(_ row: (String, Bool)) {
        #expect(Checks.isKnownLanguage(row.0) == row.1, "\(row.0)")
    }
}
