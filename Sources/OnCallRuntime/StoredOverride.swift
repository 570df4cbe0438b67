import AlertCore
import Foundation
import OnCall
import TimeKit

/// A run-time override as stored in Redis (`klaxonctl oncall override add`), on one schedule.
public struct StoredOverride: Codable, Sendable, Equatable {
    public var id: String
    public var schedule: String
    /// Who is on call instead (replace) or as well (add).
    public var person: String
    /// For a replacement: whom `person` covers; `nil` adds `person`.
    public var covering: String?
    public var from: Date
    public var to: Date
    /// Who created it and when, for `list`.
    public var createdBy: String
    public var createdAt: Date

    public init(id: String, schedule: String, person: String, covering: String?, from: Date, to: Date, createdBy: String, createdAt: Date) {
        self.id = id
        self.schedule = schedule
        self.person = person
        self.covering = covering
        self.from = from
        self.to = to
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The schedule-level override it stands for.
    public var override: Override {
        if let covering { return .replace(id: id, covering: PersonID(covering), by: PersonID(person), from: from, to: to) }
        return .add(id: id, PersonID(person), from: from, to: to)
    }

    /// Checks it against the config: the schedule and people exist, the window is not empty.
    /// Returns the problems, each naming the field (`--schedule`, `--person`, …).
    public func problems(people: Set<PersonID>, schedules: Set<String>) -> [String] {
        var out: [String] = []
        if !schedules.contains(schedule) {
            out.append("schedule: no schedule named \"\(schedule)\" (defined: \(schedules.sorted().joined(separator: ", ")))")
        }
        if !people.contains(PersonID(person)) { out.append("person: no person with id \"\(person)\" in people") }
        if let covering, !people.contains(PersonID(covering)) { out.append("covering: no person with id \"\(covering)\" in people") }
        if to <= from { out.append("to: must be after from") }
        return out
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Timestamps.format(date))
        }
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { dec in
            let text = try dec.singleValueContainer().decode(String.self)
            // Exact instants (`RFC3339Time.instant`): edges meet hand-offs without a sliver.
            guard let date = RFC3339Time(text)?.instant else {
                throw DecodingError.dataCorrupted(.init(codingPath: dec.codingPath, debugDescription: "not RFC 3339: \(text)"))
            }
            return date
        }
        return d
    }()

    public func json() -> String { String(decoding: (try? Self.encoder.encode(self)) ?? Data(), as: UTF8.self) }
    public static func decode(_ text: String) -> StoredOverride? { try? decoder.decode(StoredOverride.self, from: Data(text.utf8)) }
}
