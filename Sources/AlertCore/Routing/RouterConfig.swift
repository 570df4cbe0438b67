import OnCall

/// `router:` ordered routes and a default route.
public struct RouterConfig: Sendable {
    public var routes: [Route]
    public var defaultRoute: Route

    public init(routes: [Route], defaultRoute: Route) {
        self.routes = routes
        self.defaultRoute = defaultRoute
    }

    /// The route with this name (`default` for the default route), for channel workers that
    /// need a route's chat options.
    public func route(named name: String) -> Route? {
        name == defaultRoute.name ? defaultRoute : routes.first { $0.name == name }
    }

    /// `known` lists the robots and template sets other sections define; routes naming others are
    /// errors (`nil`: not checked).
    static func read(_ m: MappingReader?, known: KnownNames? = nil) -> RouterConfig {
        var c = RouterConfig(routes: [], defaultRoute: Route(name: "default", matchers: [], targets: []))
        guard let m else { return c }
        var names: Set<String> = ["default"]
        for r in m.mappings("routes") {
            let name = r.requiredString("name") ?? ""
            if !name.isEmpty && !names.insert(name).inserted { r.report("name", "duplicate route name \"\(name)\"") }
            let matchers = readMatchers(r)
            let targets = readTargets(r, known: known)
            let cont = r.bool("continue", default: false)
            var route = Route(name: name, matchers: matchers, targets: targets, continueMatching: cont)
            readChatOptions(r, into: &route, known: known)
            readOnCall(r, into: &route, known: known)
            r.finish()
            c.routes.append(route)
        }
        if let d = m.mapping("default") {
            var route = Route(name: "default", matchers: [], targets: readTargets(d, known: known))
            readChatOptions(d, into: &route, known: known)
            readOnCall(d, into: &route, known: known)
            c.defaultRoute = route
            d.finish()
        }
        m.finish()
        return c
    }

    /// The channel targets of `r.notify` (or of `r` itself when `key` is nil: a fallback).
    static func readTargets(_ r: MappingReader, known: KnownNames? = nil, key notifyKey: String? = "notify") -> [(
        channel: Channel, recipients: [String]
    )] {
        var targets: [(channel: Channel, recipients: [String])] = []
        guard let notify = notifyKey.map({ r.mapping($0) }) ?? r else { return targets }
        for key in notify.keys where !onCallKeys.contains(key) {
            guard let channel = Channel(rawValue: key) else {
                notify.report(key, "unknown channel; expected one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
                _ = notify.node(key)
                continue
            }
            guard let recipients = notify.stringList(key) else { continue }
            if recipients.isEmpty { notify.report(key, "list at least one recipient, or remove the channel") }
            if channel == .email {
                for (i, addr) in recipients.enumerated() where !EmailAddress.isPlausible(addr) {
                    notify.diagnostics.report("\(notify.pathOf(key))[\(i)]", "not an e-mail address: \"\(addr)\"")
                }
            }
            if channel.isPhone {
                for (i, number) in recipients.enumerated() where !Checks.isE164(number) {
                    notify.diagnostics.report("\(notify.pathOf(key))[\(i)]", "not an E.164 number (like +8613800000000): \"\(number)\"")
                }
            }
            if channel.isChat, let known { known.checkRobots(recipients, channel: channel, in: notify, key: key) }
            targets.append((channel, recipients))
        }
        return targets
    }

    /// Keys of `notify:` that name people and schedules rather than a channel.
    static let onCallKeys: Set<String> = ["schedules", "people"]

    /// `notify.schedules`, `notify.people`, `urgency`, `escalation_policy` and `fallback`.
    static func readOnCall(_ r: MappingReader, into route: inout Route, known: KnownNames?) {
        if let notify = MappingReader(r.node("notify"), path: r.pathOf("notify"), diagnostics: r.diagnostics) {
            if let list = notify.stringList("schedules") {
                known?.check(list, against: known?.schedules ?? [], what: "schedule named", section: "schedules", in: notify, key: "schedules")
                route.schedules = list
            }
            if let list = notify.stringList("people") {
                known?.check(list, against: known?.people ?? [], what: "person with id", section: "people", in: notify, key: "people")
                route.people = list.map { PersonID($0) }
            }
        }
        route.urgency = r.oneOf("urgency", default: Urgency.default)
        if let policy = r.string("escalation_policy") {
            if let known, !known.policies.contains(policy) {
                let list = known.policies.sorted()
                r.report(
                    "escalation_policy",
                    "no escalation policy named \"\(policy)\" in escalation_policies"
                        + (list.isEmpty ? "" : " (defined: \(list.joined(separator: ", ")))"))
            } else {
                route.escalationPolicy = policy
            }
        }
        if let f = r.mapping("fallback") {
            var fallback = Route.Fallback(targets: readTargets(f, known: known, key: nil))
            if let list = f.stringList("people") {
                known?.check(list, against: known?.people ?? [], what: "person with id", section: "people", in: f, key: "people")
                fallback.people = list.map { PersonID($0) }
            }
            f.finish()
            route.fallback = fallback
        }
        if !route.schedules.isEmpty && (route.fallback.map { $0.targets.isEmpty && $0.people.isEmpty } ?? true) {
            r.report("fallback", "a route that notifies schedules needs a fallback (people, addresses or robots) for when nobody is on call")
        }
    }

    static func readMatchers(_ r: MappingReader) -> [Matcher] {
        var out: [Matcher] = []
        for mm in r.mappings("match") {
            let label = mm.string("label")
            let field = mm.string("field")
            let subject: Matcher.Subject
            switch (label, field) {
            case (let l?, nil): subject = .label(l)
            case (nil, let f?): subject = .field(f)
            default:
                mm.diagnostics.report(mm.path, "give exactly one of label or field", line: mm.line)
                mm.finish()
                continue
            }
            var tests: [Matcher.Test] = []
            if let v = mm.string("equals") { tests.append(.equals(v)) }
            if let v = mm.string("not_equals") { tests.append(.notEquals(v)) }
            if let v = mm.string("contains") { tests.append(.contains(v)) }
            if let v = mm.stringList("any_of") { tests.append(.anyOf(v)) }
            if let v = mm.string("regex") {
                if let re = Matcher.compile(v) {
                    tests.append(.regex(re, source: v))
                } else {
                    mm.report("regex", "invalid regular expression \"\(v)\"")
                }
            }
            if tests.count != 1 && !(tests.isEmpty && mm.keys.contains("regex")) {
                mm.diagnostics.report(mm.path, "give exactly one of equals, not_equals, regex, contains, any_of", line: mm.line)
            }
            mm.finish()
            if let t = tests.first { out.append(Matcher(subject: subject, test: t)) }
        }
        return out
    }
}

/// Minimal address sanity for config checks; the SMTP server has the last word.
public enum EmailAddress {
    public static func isPlausible(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
    }
}
