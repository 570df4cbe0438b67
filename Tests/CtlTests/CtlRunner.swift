import Ctl
import Foundation

/// Runs `klaxonctl` in-process on a dedicated thread (it blocks on the broker) and captures it.
func ctl(_ args: [String], environment: [String: String] = [:]) async -> (code: Int32, out: CapturedOutput) {
    await withCheckedContinuation { c in
        let t = Thread {
            let (io, out) = CtlIO.capture()
            let code = Ctl.run(args, environment: environment, io: io)
            c.resume(returning: (code, out))
        }
        t.start()
    }
}
