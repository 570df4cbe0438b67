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
            r.finish()
            c.routes.append(route)
        }
        if let d = m.mapping("default") {
            var route = Route(name: "default", matchers: [], targets: readTargets(d, known: known))
            readChatOptions(d, into: &route, known: known)
            c.defaultRoute = route
            d.finish()
        }
        m.finish()
        return c
    }

    static func readTargets(_ r: MappingReader, known: KnownNames? = nil) -> [(channel: Channel, recipients: [String])] {
        var targets: [(channel: Channel, recipients: [String])] = []
        guard let notify = r.mapping("notify") else { return targets }
        for key in notify.keys {
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
            if channel.isChat, let known { known.checkRobots(recipients, channel: channel, in: notify, key: key) }
            targets.append((channel, recipients))
        }
        return targets
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
                if let re = Matcher.compile(v) { tests.append(.regex(re, source: v)) } else { mm.report("regex", "invalid regular expression \"\(v)\"") }
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
