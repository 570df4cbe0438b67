import Foundation
import TimeKit

/// A change to a schedule over `[start, end)` that wins over every layer.
///
/// At an instant, the layers are resolved first (the highest layer with someone on call gives
/// the scheduled set). Then, for every override active at that instant: each `replace` whose
/// `covering` person is in the *scheduled* set removes them and puts `by` on call instead (a
/// replace for someone not scheduled then does nothing); each `add` puts its person on call.
/// All removals happen before all additions, so the result does not depend on override order,
/// and replaces do not chain (a replace of Bob does not apply to Bob brought in by another
/// override).
public struct Override: Sendable, Hashable {
    /// What the override does.
    public enum Action: Sendable, Hashable {
        /// Where `covering` is scheduled, `by` is on call instead.
        case replace(covering: PersonID, by: PersonID)
        /// `person` is on call in addition to whoever is scheduled.
        case add(PersonID)
    }

    /// Stable id (from Redis or the config), reported as the source of the shifts it makes.
    public let id: String
    /// What it does.
    public let action: Action
    /// When it starts.
    public let start: Date
    /// When it ends; an override that does not end after it starts is ignored.
    public let end: Date

    /// An override doing `action` over `[start, end)`.
    public init(id: String, _ action: Action, from start: Date, to end: Date) {
        self.id = id
        self.action = action
        self.start = start
        self.end = end
    }

    /// `by` covers for `covering` over `[start, end)`, wherever `covering` is scheduled.
    public static func replace(id: String, covering: PersonID, by: PersonID, from start: Date, to end: Date) -> Override {
        Override(id: id, .replace(covering: covering, by: by), from: start, to: end)
    }

    /// `person` is on call over `[start, end)` in addition to the schedule.
    public static func add(id: String, _ person: PersonID, from start: Date, to end: Date) -> Override {
        Override(id: id, .add(person), from: start, to: end)
    }
}
