/// The bookkeeping of one channel in publisher-confirm mode, apart from any I/O so every case
/// is unit-tested: which publishes await their confirm, which `basic.ack`/`basic.nack` (single
/// or `multiple`, in order or not) settles which, and which were returned (`basic.return`)
/// before their confirm.
///
/// The broker numbers publishes 1, 2, 3, … per channel; a new connection starts again at 1, so
/// a book belongs to one connection: `reset()` fails what is outstanding and starts a new
/// generation. RabbitMQ confirms a mandatory message that no queue took *after* returning it;
/// such a message was not stored, so its confirm settles it as `.returned`, never as confirmed.
public struct ConfirmBook<Item> {
    /// How the broker settled one publish.
    public enum Outcome: Equatable, Sendable {
        /// Stored: acked and not returned.
        case confirmed
        /// Refused by the broker (`basic.nack`): not stored.
        case nacked
        /// Returned (no queue took it) and then acked: not stored. The text is the broker's reason.
        case returned(String)
    }

    private struct Entry {
        let tag: UInt64
        let item: Item
        var returned: String?
    }

    /// Outstanding publishes in tag order; `head` skips the settled prefix without shifting.
    private var entries: [Entry] = []
    private var head = 0
    /// The tag the next publish gets.
    public private(set) var nextTag: UInt64 = 1
    /// Bumped by `reset()`: tags of an older generation mean nothing on the new connection.
    public private(set) var generation = 0

    public init() {}

    /// Publishes awaiting their confirm.
    public var outstanding: Int { entries.count - head }

    /// The oldest outstanding publish (its deadline bounds everyone behind it).
    public var oldest: Item? { head < entries.count ? entries[head].item : nil }

    /// Records a publish just sent; returns its delivery tag.
    public mutating func sent(_ item: Item) -> UInt64 {
        defer { nextTag += 1 }
        entries.append(Entry(tag: nextTag, item: item))
        return nextTag
    }

    /// Marks an outstanding publish as returned; its confirm will settle it as `.returned`.
    /// Returns `false` when no outstanding publish has that tag (a broker or correlation bug).
    @discardableResult
    public mutating func returned(tag: UInt64, reason: String) -> Bool {
        guard let i = index(of: tag) else { return false }
        entries[i].returned = reason
        return true
    }

    /// Applies `basic.ack`: settles `tag`, and with `multiple` every outstanding tag up to it.
    public mutating func ack(tag: UInt64, multiple: Bool) -> [(Item, Outcome)] {
        settle(tag: tag, multiple: multiple) { $0.returned.map(Outcome.returned) ?? .confirmed }
    }

    /// Applies `basic.nack`: as `ack`, but what it covers was refused.
    public mutating func nack(tag: UInt64, multiple: Bool) -> [(Item, Outcome)] {
        settle(tag: tag, multiple: multiple) { _ in .nacked }
    }

    /// The connection is gone: returns every outstanding item (their fate is unknown, callers
    /// fail them) and starts a new generation whose tags begin again at 1.
    public mutating func reset() -> [Item] {
        let lost = entries[head...].map(\.item)
        entries.removeAll(keepingCapacity: true)
        head = 0
        nextTag = 1
        generation += 1
        return lost
    }

    private mutating func settle(tag: UInt64, multiple: Bool, _ outcome: (Entry) -> Outcome) -> [(Item, Outcome)] {
        var settled: [(Item, Outcome)] = []
        if multiple {
            while head < entries.count, entries[head].tag <= tag {
                settled.append((entries[head].item, outcome(entries[head])))
                head += 1
            }
            // Single confirms may have settled entries further in; `multiple` covers the rest.
        } else if head < entries.count, entries[head].tag == tag {
            settled.append((entries[head].item, outcome(entries[head])))
            head += 1
        } else if let i = index(of: tag) {
            // Out-of-order single confirm.
            let e = entries.remove(at: i)
            settled.append((e.item, outcome(e)))
        }
        compact()
        return settled
    }

    /// Binary search: tags are increasing.
    private func index(of tag: UInt64) -> Int? {
        var lo = head, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].tag < tag { lo = mid + 1 } else { hi = mid }
        }
        return lo < entries.count && entries[lo].tag == tag ? lo : nil
    }

    private mutating func compact() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 {
            entries.removeFirst(head)
            head = 0
        }
    }
}
