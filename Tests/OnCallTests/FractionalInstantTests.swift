import Foundation
import OnCall
import TestSupport
import Testing

/// Clock readings carry fractions of a millisecond: who is on call at such an instant, and the
/// timeline cut there, must agree with the whole-second answer (a `klaxonctl oncall now` once
/// said "nobody" one run in three).
@Suite struct FractionalInstantTests {
    @Test func onCallAndTheCutTimelineAgreeAtFractionalInstants() {
        let s = Fx.rotation(["alice", "bob"], "Asia/Shanghai", start: "2026-01-05", at: "09:00", .daily)
        let base = Fx.utc("2026-12-02T04:10:50Z")
        var lcg: UInt64 = 42
        for _ in 0..<2000 {
            lcg = lcg &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let at = base.addingTimeInterval(Double(lcg >> 11) / Double(1 << 53) * 3600)
            #expect(s.onCall(at: at) == ["bob"], "\(at.timeIntervalSince1970)")
            let running = s.shifts(from: at, to: at.addingTimeInterval(86_400)).filter { $0.start <= at && $0.end > at }
            #expect(running.map(\.personID) == ["bob"], "\(at.timeIntervalSince1970): \(Fx.plain(s.shifts(from: at, to: at.addingTimeInterval(60))))")
        }
    }
}
