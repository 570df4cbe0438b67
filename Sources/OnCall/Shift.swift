import Foundation
import TimeKit

/// One piece of a schedule's final timeline: `personID` is on call over `[start, end)` because of
/// `source`.
public struct Shift: Sendable, Hashable, CustomStringConvertible {
    /// Why someone is on call.
    public enum Source: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The layer at this index of `Schedule.layers` (0 = lowest).
        case layer(Int)
        /// The override with this id.
        case override(String)

        /// `layer 2` or `override ov-7`.
        public var description: String {
            switch self {
            case .layer(let i): return "layer \(i)"
            case .override(let id): return "override \(id)"
            }
        }

        /// Layers (by index) before overrides (by id); only for a stable output order.
        public static func < (a: Source, b: Source) -> Bool {
            switch (a, b) {
            case (.layer(let x), .layer(let y)): return x < y
            case (.layer, .override): return true
            case (.override, .layer): return false
            case (.override(let x), .override(let y)): return x < y
            }
        }
    }

    /// Who is on call.
    public let personID: PersonID
    /// From (inclusive).
    public let start: Date
    /// To (exclusive).
    public let end: Date
    /// The layer or override that puts them there.
    public let source: Source

    /// A shift.
    public init(personID: PersonID, start: Date, end: Date, source: Source) {
        self.personID = personID
        self.start = start
        self.end = end
        self.source = source
    }

    /// `alice 2026-03-28T08:00:00Z..2026-03-29T07:00:00Z (layer 0)`.
    public var description: String {
        let f = ISO8601DateFormatter()
        return "\(personID) \(f.string(from: start))..\(f.string(from: end)) (\(source))"
    }
}
