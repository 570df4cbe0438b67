import AMQP
import AlertCore
import Foundation
import Testing
import TestSupport

@Suite struct ReplayKillTests {
    /// `replay` killed with SIGKILL mid-run: every message is still in the DLQ or in its origin
    /// queue (possibly both), none is missing.
    @Test func replayKilledMidRunLosesNothing() async throws {
        let binary = try TestEnvironment.binary("klaxonctl")
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let ids = (1...30).map { "k\($0)" }
        for id in ids {
            try fleet.publish(
                Codec.encode(Sample.notification(id)), to: fleet.emailDLQ,
                headers: Sample.deadLetterHeaders(queue: fleet.emailQueue, reason: "permanent clientError: x"), id: id)
        }
        let movedBeforeKill = try await blocking { () throws -> Int in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["dlq", "replay", "notify.email", "--config", fleet.configPath, "--rate", "10/s"]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            try p.run()
            var text = ""
            let deadline = Date().addingTimeInterval(20)
            while text.components(separatedBy: "\nmoved").count + (text.hasPrefix("moved") ? 1 : 0) - 1 < 3 && Date() < deadline {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal, "killed, not finished: \(text)")
            return text.split(separator: "\n").filter { $0.hasPrefix("moved") }.count
        }
        #expect(movedBeforeKill >= 3)
        #expect(movedBeforeKill < ids.count, "the kill came mid-run")

        // The broker gives back what the killed process held once it notices the dead socket.
        try await waitFor("the killed run's messages given back") {
            try fleet.depth(fleet.emailDLQ) + fleet.depth(fleet.emailQueue) >= ids.count
        }
        let inDLQ = try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID)
        let inOrigin = try fleet.contents(fleet.emailQueue).compactMap(\.notificationID)
        #expect(inDLQ.count + inOrigin.count >= ids.count)
        #expect(Set(inDLQ).union(inOrigin) == Set(ids), "missing: \(Set(ids).subtracting(inDLQ).subtracting(inOrigin).sorted())")
        #expect(inOrigin.count >= movedBeforeKill)
        #expect(inDLQ == ids.filter { !inOrigin.contains($0) || inDLQ.contains($0) }, "what stayed kept its order")
    }
}
