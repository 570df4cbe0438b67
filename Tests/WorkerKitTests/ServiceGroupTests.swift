import AlertCore
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Synchronization
import Testing
import WorkerKit

/// A service that runs until shut down, recording when it was asked and when it returned.
final class FakeService: Service {
    let name: String
    let journal: Journal
    let failWith: String?
    let endsAlone: Bool
    let ready: Bool
    private let stop = AsyncStream<Void>.makeStream()

    init(_ name: String, journal: Journal, failWith: String? = nil, endsAlone: Bool = false, ready: Bool = true) {
        self.name = name
        self.journal = journal
        self.failWith = failWith
        self.endsAlone = endsAlone
        self.ready = ready
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    func run() async throws {
        journal.add("\(name) started")
        if let failWith {
            try await Task.sleep(for: .milliseconds(20))
            journal.add("\(name) failed")
            throw Failure(description: failWith)
        }
        if endsAlone {
            try await Task.sleep(for: .milliseconds(20))
        } else {
            for await _ in stop.stream {}
            // Draining takes a while: the next service must wait for it.
            try await Task.sleep(for: .milliseconds(30))
        }
        journal.add("\(name) returned")
    }

    func shutdown() {
        journal.add("\(name) asked to stop")
        stop.continuation.finish()
    }

    func notReady() -> [String] { ready ? [] : [name] }
}

final class Journal: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ s: String) { lines.withLock { $0.append(s) } }
    var all: [String] { lines.withLock { $0 } }
    /// The lines that are not "started", in order.
    var stops: [String] { all.filter { !$0.hasSuffix("started") } }
}

@Suite struct ServiceGroupTests {
    let logger = Logger(process: "test", minimum: .error)

    @Test func shutdownStopsServicesLastFirstEachAfterTheNextReturned() async throws {
        let j = Journal()
        let group = try ServiceGroup(
            services: ["publisher", "timers", "consumer"].map { FakeService($0, journal: j) }, logger: logger, metrics: Metrics())
        async let run: Void = group.run()
        // Every service starts at once: all three run before any is asked to stop.
        while j.all.count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(j.all.allSatisfy { $0.hasSuffix("started") }, "\(j.all)")
        group.shutdown()
        try await run
        #expect(
            j.stops == [
                "consumer asked to stop", "consumer returned", "timers asked to stop", "timers returned",
                "publisher asked to stop", "publisher returned",
            ])
    }

    @Test func aServiceThatEndsStopsTheOthers() async throws {
        let j = Journal()
        let group = try ServiceGroup(
            services: [
                FakeService("publisher", journal: j), FakeService("oneshot", journal: j, endsAlone: true),
                FakeService("consumer", journal: j),
            ], logger: logger, metrics: Metrics())
        try await group.run()
        #expect(j.stops == ["oneshot returned", "consumer asked to stop", "consumer returned", "publisher asked to stop", "publisher returned"])
    }

    @Test func aFailureEndsTheRunWithItsErrorAfterStoppingTheRest() async throws {
        let j = Journal()
        let group = try ServiceGroup(
            services: [FakeService("publisher", journal: j), FakeService("consumer", journal: j, failWith: "broker gone")],
            logger: logger, metrics: Metrics())
        await #expect(throws: ServiceError.self) { try await group.run() }
        do {
            try await ServiceGroup(services: [FakeService("x", journal: Journal(), failWith: "boom")], logger: logger, metrics: Metrics()).run()
        } catch {
            #expect("\(error)" == "x: boom")
        }
        #expect(j.stops == ["consumer failed", "publisher asked to stop", "publisher returned"])
    }

    @Test func readinessListsWhatIsNotReadyOnTheHealthPort() async throws {
        let j = Journal()
        let group = try ServiceGroup(
            services: [FakeService("publisher", journal: j), FakeService("consumer", journal: j, ready: false)],
            logger: logger, metrics: Metrics(), healthListen: ListenAddress("127.0.0.1:0"))
        let port = try #require(group.healthPort)
        async let run: Void = group.run()
        let ready = try await get("http://127.0.0.1:\(port)/readyz")
        #expect(ready.status == 503 && ready.body.contains("consumer"), "\(ready)")
        #expect(try await get("http://127.0.0.1:\(port)/healthz").status == 200)
        group.shutdown()
        try await run
        #expect(group.healthPort == nil, "the health server stops with the group")
    }

    @Test func periodicServiceTicksUntilStoppedAndFinishesTheTickInProgress() async throws {
        let ticks = Mutex<(started: Int, finished: Int)>((0, 0))
        let timer = PeriodicService(name: "timer", every: .milliseconds(10)) {
            ticks.withLock { $0.started += 1 }
            try? await Task.sleep(for: .milliseconds(40))  // a slow tick: shutdown lands inside it
            ticks.withLock { $0.finished += 1 }
        }
        let group = try ServiceGroup(services: [timer], logger: logger, metrics: Metrics())
        async let run: Void = group.run()
        while ticks.withLock({ $0.started }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
        group.shutdown()
        try await run
        let t = ticks.withLock { $0 }
        #expect(t.started >= 3, "ticked repeatedly: \(t)")
        #expect(t.started == t.finished, "no tick cut in the middle: \(t)")
    }
}

/// A GET with URLSession (libcurl underneath), for the health port.
func get(_ url: String) async throws -> (status: Int, body: String) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
}
