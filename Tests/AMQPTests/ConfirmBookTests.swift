import AMQP
import TestSupport
import Testing

/// The publisher's confirm bookkeeping, without a broker: every way RabbitMQ settles publishes.
@Suite struct ConfirmBookTests {
    typealias Settled = [(Int, ConfirmBook<Int>.Outcome)]

    func book(_ n: Int) -> ConfirmBook<Int> {
        var b = ConfirmBook<Int>()
        for i in 1...n {
            let tag = b.sent(i * 10)
            #expect(tag == UInt64(i))
        }
        return b
    }

    enum Verb { case ack, nack }

    /// Applies a confirm and describes what it settled, as "item:outcome".
    func settle(_ b: inout ConfirmBook<Int>, _ verb: Verb, _ tag: UInt64, _ multiple: Bool) -> [String] {
        let s: Settled = verb == .ack ? b.ack(tag: tag, multiple: multiple) : b.nack(tag: tag, multiple: multiple)
        return s.map { "\($0.0):\($0.1)" }
    }

    func mark(_ b: inout ConfirmBook<Int>, _ tag: UInt64, _ reason: String) -> Bool { b.returned(tag: tag, reason: reason) }

    @Test func singleAcksInOrderConfirmEachOnce() {
        var b = book(3)
        #expect(settle(&b, .ack, 1, false) == ["10:confirmed"])
        #expect(settle(&b, .ack, 2, false) == ["20:confirmed"])
        #expect(b.outstanding == 1 && b.oldest == 30)
        #expect(settle(&b, .ack, 2, false).isEmpty)  // a repeated confirm settles nothing
        #expect(settle(&b, .ack, 3, false) == ["30:confirmed"])
        #expect(b.outstanding == 0 && b.oldest == nil)
    }

    @Test func multipleAckCoversEveryTagUpToIt() {
        var b = book(5)
        #expect(settle(&b, .ack, 3, true) == ["10:confirmed", "20:confirmed", "30:confirmed"])
        #expect(b.outstanding == 2 && b.oldest == 40)
        #expect(settle(&b, .ack, 5, true) == ["40:confirmed", "50:confirmed"])
    }

    @Test func outOfOrderSingleConfirmsThenAMultipleForTheRest() {
        var b = book(5)
        #expect(settle(&b, .ack, 4, false) == ["40:confirmed"])
        #expect(settle(&b, .ack, 2, false) == ["20:confirmed"])
        #expect(b.oldest == 10 && b.outstanding == 3)
        // 2 and 4 are gone already: the multiple ack settles 1, 3 and 5 once each.
        #expect(settle(&b, .ack, 5, true) == ["10:confirmed", "30:confirmed", "50:confirmed"])
        #expect(b.outstanding == 0)
    }

    @Test func nacksFailWhatTheyCover() {
        var b = book(4)
        #expect(settle(&b, .nack, 2, true) == ["10:nacked", "20:nacked"])
        #expect(settle(&b, .nack, 4, false) == ["40:nacked"])
        #expect(settle(&b, .ack, 3, false) == ["30:confirmed"])
    }

    @Test func aReturnedPublishIsNeverConfirmedEvenThoughTheBrokerAcksIt() {
        var b = book(3)
        #expect(mark(&b, 2, "NO_ROUTE"))
        #expect(settle(&b, .ack, 3, true) == ["10:confirmed", "20:returned(\"NO_ROUTE\")", "30:confirmed"])
        var single = book(1)
        #expect(mark(&single, 1, "NO_ROUTE"))
        #expect(settle(&single, .ack, 1, false) == ["10:returned(\"NO_ROUTE\")"])
    }

    @Test func aReturnForNoOutstandingTagIsReported() {
        var b = book(2)
        _ = b.ack(tag: 1, multiple: false)
        #expect(!mark(&b, 1, "late"))
        #expect(!mark(&b, 9, "unknown"))
        #expect(mark(&b, 2, "NO_ROUTE"))
    }

    @Test func resetFailsTheOutstandingAndStartsANewGeneration() {
        var b = book(4)
        _ = b.ack(tag: 2, multiple: false)
        let lost = b.reset()
        #expect(lost == [10, 30, 40])
        #expect(b.generation == 1 && b.outstanding == 0 && b.nextTag == 1)
        // Tags restart at 1 on the new connection; the old generation's marks are gone.
        let tag = b.sent(99)
        #expect(tag == 1)
        #expect(settle(&b, .ack, 1, false) == ["99:confirmed"])
    }

    @Test func longRunsStayConsistentAcrossCompaction() {
        var b = ConfirmBook<Int>()
        var confirmed = 0
        for i in 1...20_000 {
            _ = b.sent(i)
            // Every 7th publish is confirmed on its own, the rest by a multiple ack every 100.
            if i % 7 == 0 { confirmed += b.ack(tag: UInt64(i), multiple: false).count }
            if i % 100 == 0 { confirmed += b.ack(tag: UInt64(i), multiple: true).count }
        }
        #expect(confirmed == 20_000 && b.outstanding == 0)
    }
}

@Suite struct BackoffTests {
    typealias Seeded = Fx.Rng

    @Test func delaysDoubleWithinHalfToFullStepUpToTheCap() {
        var b = Backoff(initialMillis: 100, maxMillis: 5000)
        var rng = Seeded(state: 1)
        let steps: [UInt32] = [100, 200, 400, 800, 1600, 3200, 5000, 5000]
        for step in steps {
            let d = b.next(using: &rng)
            #expect(d >= step / 2 && d <= step, "delay \(d) for step \(step)")
        }
        b.reset()
        let first = b.next(using: &rng)
        #expect(first <= 100)
    }

    @Test func replicasDoNotReconnectInLockStep() {
        // Ten processes that lost the broker at once: their first delays are spread out.
        var rng = Seeded(state: 42)
        let firsts = (0..<10).map { _ in Backoff(initialMillis: 1000, maxMillis: 5000) }.map { b -> UInt32 in
            var b = b
            return b.next(using: &rng)
        }
        #expect(Set(firsts).count >= 8)
    }
}
