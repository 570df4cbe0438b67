import Foundation
import TimeKit

extension Restriction {
    /// Whether `instant` is inside the restriction, on the wall clock of `clock`'s zone (the
    /// same rule rotations use, so a 09:00–18:00 window follows DST changes). Escalation step
    /// conditions use it.
    public func contains(_ instant: Date, in clock: ZoneClock) -> Bool {
        contains(atSecond: Int(instant.timeIntervalSince1970.rounded(.down)), clock)
    }
}
