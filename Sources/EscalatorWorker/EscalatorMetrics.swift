import WorkerKit

/// The escalator's metrics, registered once per process.
struct EscalatorMetrics: Sendable {
    let open: Gauge
    let opened: Counter
    let stepsFired: Counter
    let acknowledgements: Counter
    let timeToAck: Histogram
    let ackTimeouts: Counter
    let resolved: Counter
    let timerLateness: Histogram
    let timersFired: Counter
    let recovered: Counter
    let gaps: Counter
    let published: Counter

    init(_ m: Metrics, policies: [String], schedules: [String]) {
        open = m.gauge("klaxon_escalator_open_incidents", "Incidents not yet resolved, by escalation policy.")
        opened = m.counter("klaxon_escalator_incidents_opened_total", "Incidents opened, by escalation policy.")
        stepsFired = m.counter("klaxon_escalator_steps_fired_total", "Escalation steps fired (paged), by escalation policy.")
        acknowledgements = m.counter("klaxon_escalator_acknowledgements_total", "Acknowledgements applied, by path (link, api, cli, phoneKey, chat).")
        timeToAck = m.histogram(
            "klaxon_escalator_time_to_acknowledge_seconds", "From an incident's opening to its first acknowledgement, by escalation policy.",
            buckets: [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200])
        ackTimeouts = m.counter("klaxon_escalator_ack_timeouts_total", "Acknowledgements that expired (paging restarted), by escalation policy.")
        resolved = m.counter("klaxon_escalator_incidents_resolved_total", "Incidents resolved, by escalation policy and by whom (source or person).")
        timerLateness = m.histogram(
            "klaxon_escalator_timer_lateness_seconds", "How late a due timer fired, from its due instant.",
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        timersFired = m.counter("klaxon_escalator_timers_fired_total", "Due timers processed.")
        recovered = m.counter(
            "klaxon_escalator_incidents_recovered_total", "Open incidents missing from Redis that their watch reopened (paged again, never silenced)."
        )
        gaps = m.counter("klaxon_escalator_oncall_gaps_total", "Steps that fired while a schedule had nobody on call, by schedule.")
        published = m.counter("klaxon_escalator_notifications_total", "Notifications published, by channel and kind (page or report).")
        for p in policies {
            open.set(0, ["policy": p])
            opened.inc(["policy": p], by: 0)
            stepsFired.inc(["policy": p], by: 0)
            ackTimeouts.inc(["policy": p], by: 0)
        }
        for s in schedules { gaps.inc(["schedule": s], by: 0) }
        recovered.inc([:], by: 0)
        timersFired.inc([:], by: 0)
    }
}
