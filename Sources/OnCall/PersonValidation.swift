import TimeKit
/// Checks people as configured and reports every problem with its path; pure.
public enum PersonValidation {
    /// Every issue in `people`, in config order. `base` is the path of the list (`people`).
    ///
    /// Reports: an empty or repeated id; a phone that is not E.164; an implausible e-mail; an
    /// unknown time zone or language; a person with no default contact steps (they could never
    /// be paged); and for each contact step, an unknown channel, a negative delay, or a channel
    /// the person cannot be reached on (voice/SMS need a phone, e-mail an address, DingTalk and
    /// WeCom their mobile or a phone, Feishu a user id), at
    /// `people[i].contact_rules.<urgency>[j]`.
    public static func issues(_ people: [Person], base: String = "people") -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        var seen: Set<PersonID> = []
        for (i, person) in people.enumerated() {
            let path = "\(base)[\(i)]"
            if person.id.rawValue.isEmpty {
                issues.append(ValidationIssue("\(path).id", "must not be empty"))
            } else if !seen.insert(person.id).inserted {
                issues.append(ValidationIssue("\(path).id", "'\(person.id)' is used by an earlier person"))
            }
            issues += contactIssues(person, path: path)
            issues += ruleIssues(person, path: path)
        }
        return issues
    }

    private static func contactIssues(_ person: Person, path: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let phone = person.phone, !Checks.isE164(phone) {
            issues.append(ValidationIssue("\(path).phone", "'\(phone)' is not an E.164 number (like +8613800000000)"))
        }
        if let email = person.email, !Checks.isPlausibleEmail(email) {
            issues.append(ValidationIssue("\(path).email", "'\(email)' is not an e-mail address"))
        }
        if !Checks.isKnownTimeZone(person.timeZone) {
            issues.append(ValidationIssue("\(path).time_zone", "unknown time zone '\(person.timeZone)' (use an IANA name like Asia/Shanghai)"))
        }
        if !Checks.isKnownLanguage(person.language) {
            issues.append(ValidationIssue("\(path).language", "unknown language '\(person.language)' (use a tag like zh-CN, ru-RU, en-US)"))
        }
        return issues
    }

    private static func ruleIssues(_ person: Person, path: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if (person.contactRules[.default] ?? []).isEmpty {
            issues.append(ValidationIssue("\(path).contact_rules.default", "no steps: this person could never be paged"))
        }
        for urgency in Urgency.allCases {
            for (j, step) in (person.contactRules[urgency] ?? []).enumerated() {
                let stepPath = "\(path).contact_rules.\(urgency.rawValue)[\(j)]"
                if !Person.channels.contains(step.channel) {
                    let known = Person.channels.sorted().joined(separator: ", ")
                    issues.append(ValidationIssue(stepPath, "unknown channel '\(step.channel)' (one of \(known))"))
                } else if !person.isReachable(on: step.channel) {
                    issues.append(ValidationIssue(stepPath, "channel '\(step.channel)' needs \(requirement(step.channel)), which this person lacks"))
                }
                if step.delaySeconds < 0 {
                    issues.append(ValidationIssue(stepPath, "delay must not be negative (got \(step.delaySeconds) s)"))
                }
            }
        }
        return issues
    }

    private static func requirement(_ channel: String) -> String {
        switch channel {
        case "voice", "sms": return "a phone"
        case "email": return "an e-mail address"
        case "dingtalk": return "dingtalk.robot and a DingTalk mobile (or a phone)"
        case "wecom": return "wecom.robot and a WeCom mobile (or a phone)"
        default: return "feishu.robot and a Feishu user id"
        }
    }
}
