import Foundation
import TestSupport
import Testing
@testable import AlertCore

/// Seeded randomized tests of the acceptance rule, starting from the valid samples: mutating any
/// field a source does not need (remove it, or set it to null, a number, a boolean, a string,
/// an array or an object) is always accepted; removing or mistyping a required field
/// (`RequiredFields`) is the only way to get a `PayloadError`, and it names that field.
@Suite struct SampleMutationTests {
    /// SplitMix64, seeded so a failure reproduces (`TestSupport`).
    typealias Rng = Fx.Rng

    /// Every sample that normalizes, with its kind (the malformed ones are rejected as a whole).
    static let valid: [SampleCase] = SampleCase.all.filter {
        if case .alerts = $0.expected { return true }
        return false
    }

    /// Keys added at random beside the existing ones: fields the sources know, and one nobody does.
    static let extraKeys = [
        "status", "labels", "annotations", "startsAt", "endsAt", "fingerprint", "groupKey", "version",
        "receiver", "externalURL", "truncatedAlerts", "values", "name", "scope", "startTime", "recoveryTime",
        "tags", "priority", "fields", "backlog", "title", "message", "state", "alert_uid", "EVENT.VALUE", "x",
    ]

    /// The kinds of replacement value, one per mutation.
    static func replacement(_ rng: inout Rng) -> JSONValue? {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: nil  // remove
        case 1: .null
        case 2: .number([0, 1, -5, 2.5, 1e20, 1_700_000_000_000][Int.random(in: 0..<6, using: &rng)])
        case 3: .bool(Bool.random(using: &rng))
        case 4: .string(["", "x", "pending", "RESOLVED", "not a time", "0001-01-01T00:00:00Z", "3"][Int.random(in: 0..<7, using: &rng)])
        case 5: .array([.string("a"), .number(1)])
        case 6: .array([])
        default: .object(["k": .number(1)])
        }
    }

    /// One step into a JSON value.
    enum Step: Sendable { case key(String), index(Int) }

    /// A place in a body: the steps to it, and its JSON path as a `PayloadError` writes it
    /// (keys may contain dots, as Zabbix's `EVENT.ID` does, so the steps are kept apart).
    struct Location: CustomStringConvertible {
        var steps: [Step]
        var description: String {
            "$"
                + steps.map { step in
                    switch step {
                    case .key(let k): ".\(k)"
                    case .index(let i): "[\(i)]"
                    }
                }.joined()
        }
        func appending(_ step: Step) -> Location { Location(steps: steps + [step]) }
    }

    /// Every location in `value` below `at`: object members and array elements, skipping
    /// those whose path is in `required` (their children are still listed).
    static func locations(_ value: JSONValue, at: Location = Location(steps: []), required: Set<String>) -> [Location] {
        var out: [Location] = []
        var children: [(Location, JSONValue)] = []
        switch value {
        case .object(let o): children = o.map { (at.appending(.key($0.key)), $0.value) }
        case .array(let a): children = a.enumerated().map { (at.appending(.index($0.offset)), $0.element) }
        default: break
        }
        for (loc, v) in children {
            if !required.contains(RequiredFields.generic(loc.description)) { out.append(loc) }
            out += locations(v, at: loc, required: required)
        }
        return out
    }

    /// `root` with the value at `loc` replaced, or removed when `new` is `nil` (an array
    /// element is then replaced by `null`, keeping the indexes).
    static func setting(_ value: JSONValue, _ loc: Location, to new: JSONValue?) -> JSONValue {
        setting(value, loc.steps[...], to: new)
    }

    private static func setting(_ value: JSONValue, _ steps: ArraySlice<Step>, to new: JSONValue?) -> JSONValue {
        guard let step = steps.first else { return new ?? .null }
        let rest = steps.dropFirst()
        switch (step, value) {
        case (.key(let k), .object(var o)):
            if rest.isEmpty {
                o[k] = new
            } else if let child = o[k] {
                o[k] = setting(child, rest, to: new)
            }
            return .object(o)
        case (.index(let i), .array(var a)) where i < a.count:
            a[i] = rest.isEmpty ? (new ?? .null) : setting(a[i], rest, to: new)
            return .array(a)
        default:
            return value
        }
    }

    static func lookup(_ root: JSONValue, _ loc: Location) -> JSONValue? {
        var current: JSONValue? = root
        for step in loc.steps {
            switch (step, current) {
            case (.key(let k), .object(let o)?): current = o[k]
            case (.index(let i), .array(let a)?) where i < a.count: current = a[i]
            default: return nil
            }
        }
        return current
    }

    static func body(_ c: SampleCase) throws -> JSONValue {
        try JSONParsing.parse(try Samples.bytes(c.file))
    }

    static func required(_ c: SampleCase, body: JSONValue) -> Set<String> {
        RequiredFields.paths(c.kind, legacyGrafana: c.kind == .grafana && GrafanaNormalizer.isLegacy(body))
    }

    @Test(arguments: valid)
    func mutatingFieldsASourceDoesNotNeedIsAlwaysAccepted(_ c: SampleCase) throws {
        let original = try Self.body(c)
        let required = Self.required(c, body: original)
        let places = Self.locations(original, required: required)
        let objects =
            [Location(steps: [])]
            + places.filter { loc in
                if case .object = Self.lookup(original, loc) { return true }
                return false
            }
        var rng = Rng(state: 0x5EED_1100 &+ UInt64(c.file.utf8.count))
        for round in 0..<300 {
            var body = original
            var applied: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                // Existing fields, or a new key on an existing object.
                let loc: Location
                if Bool.random(using: &rng) || places.isEmpty {
                    let parent = objects[Int.random(in: 0..<objects.count, using: &rng)]
                    loc = parent.appending(.key(Self.extraKeys[Int.random(in: 0..<Self.extraKeys.count, using: &rng)]))
                } else {
                    loc = places[Int.random(in: 0..<places.count, using: &rng)]
                }
                if required.contains(RequiredFields.generic(loc.description)) { continue }
                let new = Self.replacement(&rng)
                body = Self.setting(body, loc, to: new)
                applied.append("\(loc) = \(new.map { String(decoding: Codec.encode($0), as: UTF8.self) } ?? "<removed>")")
            }
            do {
                let alerts = try Normalizer.normalize(body, kind: c.kind, context: Fixture.context(options: c.options))
                #expect(!alerts.isEmpty)
                for a in alerts {
                    #expect(Timestamps.parse(a.startsAt) != nil, "startsAt \(a.startsAt) after \(applied)")
                    if let end = a.endsAt { #expect(Timestamps.parse(end) != nil, "endsAt \(end) after \(applied)") }
                    #expect(!a.title.isEmpty && !a.fingerprint.isEmpty && !a.severity.isEmpty)
                    #expect((try? Codec.decode(Alert.self, from: Codec.encode(a))) == a)
                }
            } catch {
                Issue.record("round \(round): \(applied) was rejected: \(error)")
            }
        }
    }

    @Test(arguments: valid)
    func removingOrMistypingARequiredFieldIsRejectedNamingIt(_ c: SampleCase) throws {
        let original = try Self.body(c)
        // The discriminating keys of the legacy Grafana body are covered by the table tests.
        guard !(c.kind == .grafana && GrafanaNormalizer.isLegacy(original)) else { return }
        let required = Self.required(c, body: original)
        let root = Location(steps: [])
        let targets = [root] + Self.locations(original, required: []).filter { required.contains(RequiredFields.generic($0.description)) }
        #expect(targets.count >= 1)
        for loc in targets {
            let isRoot = loc.steps.isEmpty
            for new in Self.wrongKinds(for: Self.lookup(original, loc), removable: !isRoot) {
                let body = isRoot ? (new ?? .null) : Self.setting(original, loc, to: new)
                do {
                    let alerts = try Normalizer.normalize(body, kind: c.kind, context: Fixture.context(options: c.options))
                    Issue.record("\(loc) = \(String(describing: new)) was accepted as \(alerts.count) alert(s)")
                } catch {
                    #expect(error.path == loc.description, "\(loc) = \(String(describing: new)): \(error)")
                }
            }
        }
    }

    /// Values of another kind than `current` (and `nil`, removal, when `removable`).
    static func wrongKinds(for current: JSONValue?, removable: Bool) -> [JSONValue?] {
        var out: [JSONValue?] = removable ? [nil, .null] : [.null]
        let all: [JSONValue] = [.number(3), .bool(true), .string("x"), .array([]), .object([:])]
        for v in all where v.kindName != current?.kindName { out.append(v) }
        // An empty array where a non-empty one is needed.
        if case .array(let a)? = current, !a.isEmpty { out.append(.array([])) }
        return out
    }

}
