import Foundation

/// What one applied change is worth in metrics, counted only once its save succeeded (a
/// compare-and-set retry computes the change again and must not count it twice).
struct Observed {
    var policy = ""
    var stepsFired = 0
    var gaps: [String] = []
    var acknowledgedVia: String?
    var timeToAck: TimeInterval?
    var ackTimedOut = false
    var resolvedBy: String?

    func count(in m: EscalatorMetrics) {
        if stepsFired > 0 { m.stepsFired.inc(["policy": policy], by: Double(stepsFired)) }
        for g in gaps { m.gaps.inc(["schedule": g]) }
        if let via = acknowledgedVia { m.acknowledgements.inc(["path": via]) }
        if let t = timeToAck { m.timeToAck.observe(t, ["policy": policy]) }
        if ackTimedOut { m.ackTimeouts.inc(["policy": policy]) }
        if let by = resolvedBy { m.resolved.inc(["policy": policy, "by": by]) }
    }
}

extension IncidentEffects.Report {
    /// The report as observations of `policy`.
    func observed(policy: String) -> Observed {
        Observed(policy: policy, stepsFired: stepsFired, gaps: gaps)
    }
}
