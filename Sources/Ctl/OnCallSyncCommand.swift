import AlertCore
import CalendarSync
import Dispatch
import Foundation
import OnCallRuntime
import Synchronization
import WorkerKit

/// `klaxonctl oncall sync-calendars`: fetches every schedule layer whose `ical:` is an http(s)
/// URL and stores the last good copy in Redis, where the router and the gateway read it. Meant
/// to run on a schedule (the Helm chart's CronJob, every 10 minutes by default). Exit 0 when
/// every calendar was stored, 1 when one failed (its last good copy stays; stderr says why),
/// 3 when Redis cannot be reached.
enum OnCallSyncCommand {
    static func run(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.isEmpty else { throw .usage("oncall sync-calendars takes no SCHEDULE: it syncs every URL calendar") }
        let redis = SharedRedis(ctx.config.redis)
        defer { redis.close() }
        let sync = CalendarSync(config: ctx.config, copies: CalendarCopies(redis: redis, namespace: ctx.config.broker.namespace))
        if sync.layers.isEmpty {
            io.out("no schedule layer reads a calendar URL in \(ctx.configPath)")
            return .ok
        }
        // ctl runs on a thread of its own: wait here for the async sync (Redis on its own thread).
        let outcome = Mutex<Result<[CalendarSync.Report], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let r: Result<[CalendarSync.Report], any Error>
            do { r = .success(try await sync.run()) } catch { r = .failure(error) }
            outcome.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        let reports: [CalendarSync.Report]
        switch outcome.withLock({ $0 })! {
        case .failure(let e): throw CtlError(.unreachable, "Redis at \(ctx.redisAddress): \(e); nothing was stored")
        case .success(let r): reports = r
        }
        for r in reports {
            if a.has("json") {
                var row: [String: Any] = ["layer": r.layer, "url": r.url, "stored": r.error == nil, "warnings": r.warnings]
                if let shifts = r.shifts { row["shifts"] = shifts }
                if let error = r.error { row["error"] = error }
                io.out(String(decoding: (try? JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])) ?? Data(), as: UTF8.self))
            } else if let error = r.error {
                io.err("klaxonctl: \(r.layer) (\(r.url)): \(error); its last good copy stays")
            } else {
                io.out("stored \(r.layer): \(r.shifts ?? 0) shifts in the next 60 days\(r.warnings.isEmpty ? "" : ", \(r.warnings.count) warnings")")
                for w in r.warnings.prefix(5) { io.err("klaxonctl: \(r.layer): \(w)") }
            }
        }
        return reports.contains { $0.error != nil } ? .failure : .ok
    }
}
