import AlertCore

/// Message-ID, In-Reply-To and References for one mail, computed from the notification alone
/// (no state), so every mail of one incident lands in one thread.
///
/// The scheme (deterministic, documented in the mails themselves as `X-Klaxon-*` headers):
///
/// - An incident is a fingerprint plus its start time. `I = FNV-1a-64(fingerprint + "\n" +
///   startsAt as epoch milliseconds)`, so `…Z` and `…+00:00` spellings agree, and the same
///   fingerprint firing again later (new `startsAt`) starts a new thread.
/// - The thread root is `<klaxon.F.I@domain>` (`F`: the fingerprint if it is `[A-Za-z0-9_-]`
///   and ≤ 64 long, else `h` + its hash). No mail carries this id: the first mail of an incident
///   is not knowable statelessly, so every mail refers to the root instead. Mail readers that
///   thread by References (Thunderbird, mutt, Apple Mail, Gmail) group mails that share a parent
///   even when the parent is absent.
/// - Each mail's own id is `<klaxon.F.I.<status>.N@domain>` where `N` is the notification id
///   (sanitized like `F`). It is unique per mail, because readers drop or merge mails that
///   share a Message-ID, which would hide a repeated page; and it is stable across redelivery,
///   so a retried send that had in fact gone through collapses into one mail.
/// - Every mail, firing or resolved, has `In-Reply-To: root` and `References: root`.
public struct MailThreading: Sendable, Equatable {
    /// `<…>` id of this mail.
    public var messageID: String
    /// `<…>` id of the incident's thread root.
    public var root: String

    /// `In-Reply-To`: the thread root.
    public var inReplyTo: String { root }
    /// `References`: the thread root (one id; ids are single tokens, never folded).
    public var references: [String] { [root] }

    public init(notification n: AlertNotification, domain: String) {
        let a = n.alert
        let start = Timestamps.parse(a.startsAt).map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? a.startsAt
        let incident = Fingerprint.hash("\(a.fingerprint)\n\(start)")
        let stem = "klaxon.\(MailThreading.token(a.fingerprint)).\(incident)"
        root = "<\(stem)@\(domain)>"
        messageID = "<\(stem).\(a.status.rawValue).\(MailThreading.token(n.id))@\(domain)>"
    }

    /// A value usable inside an id's left part (dot-atom text), readable when it can be.
    static func token(_ s: String) -> String {
        let ok =
            !s.isEmpty && s.utf8.count <= 64
            && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        return ok ? s : "h" + Fingerprint.hash(s)
    }
}
