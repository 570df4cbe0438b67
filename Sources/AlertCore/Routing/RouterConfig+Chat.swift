/// Names defined by the `chat:` and `templates:` sections, so routes that name a robot or a
/// template set that does not exist are config errors with their path.
struct KnownNames {
    /// Robot name → its platform.
    var robots: [String: Channel]
    var templateSets: Set<String>
    /// Person ids from `people:`.
    var people: Set<String> = []
    /// Schedule names from `schedules:`.
    var schedules: Set<String> = []
    /// Policy names from `escalation_policies:`.
    var policies: Set<String> = []

    /// Reports each name of `names` that `known` lacks, at `notify.key[i]`.
    func check(_ names: [String], against known: Set<String>, what: String, section: String, in notify: MappingReader, key: String) {
        for (i, name) in names.enumerated() where !known.contains(name) {
            notify.diagnostics.report(
                "\(notify.pathOf(key))[\(i)]",
                "no \(what) \"\(name)\" in \(section)"
                    + (known.isEmpty ? "" : " (defined: \(known.sorted().joined(separator: ", ")))"))
        }
    }

    func checkRobots(_ names: [String], channel: Channel, in notify: MappingReader, key: String) {
        for (i, name) in names.enumerated() {
            let path = "\(notify.pathOf(key))[\(i)]"
            switch robots[name] {
            case nil:
                let same = robots.filter { $0.value == channel }.keys.sorted()
                notify.diagnostics.report(
                    path,
                    "no robot named \"\(name)\" in chat.robots"
                        + (same.isEmpty
                            ? " (define one with platform: \(channel.rawValue))" : "; \(channel.rawValue) robots: \(same.joined(separator: ", "))"))
            case let platform? where platform != channel:
                notify.diagnostics.report(path, "robot \"\(name)\" is a \(platform.rawValue) robot, not \(channel.rawValue)")
            default:
                break
            }
        }
    }

    func checkTemplate(_ name: String, in m: MappingReader, key: String) {
        if !templateSets.contains(name) {
            let list = templateSets.sorted()
            m.report(key, "no template set named \"\(name)\" in templates" + (list.isEmpty ? "" : " (defined: \(list.joined(separator: ", ")))"))
        }
    }
}

extension RouterConfig {
    /// A route's `template`, `mention_mobiles` and `at_all_severities`.
    static func readChatOptions(_ r: MappingReader, into route: inout Route, known: KnownNames?) {
        if let t = r.string("template") {
            route.template = t
            known?.checkTemplate(t, in: r, key: "template")
        }
        route.mentionMobiles = readMobiles(r, key: "mention_mobiles")
        route.atAllSeverities = r.stringList("at_all_severities") ?? []
    }

    /// A list of phone numbers: digits, optionally a leading `+` and `-` separators, 5 to 20 long.
    static func readMobiles(_ r: MappingReader, key: String) -> [String] {
        guard let list = r.stringList(key) else { return [] }
        for (i, mobile) in list.enumerated() where !isMobile(mobile) {
            r.diagnostics.report("\(r.pathOf(key))[\(i)]", "not a phone number: \"\(mobile)\" (digits, optionally a leading +)")
        }
        return list.filter(isMobile)
    }

    static func isMobile(_ s: String) -> Bool {
        let digits = s.hasPrefix("+") ? s.dropFirst() : Substring(s)
        return (5...20).contains(digits.count) && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") }
    }
}
