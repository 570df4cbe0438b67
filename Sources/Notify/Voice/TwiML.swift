import Foundation

/// The TwiML of a page call: the message and the key menu inside one `<Gather numDigits="1">`,
/// spoken in the callee's language, so a key pressed at any moment is taken.
public enum TwiML {
    /// What the menu says; the gateway maps the keys (docs/voice.md).
    public static func menu(_ language: String) -> String {
        switch base(language) {
        case "zh": "按 1 确认，按 2 解决，按 3 暂停 30 分钟。"
        case "ru": "Нажмите 1, чтобы подтвердить, 2, чтобы закрыть, 3, чтобы отложить на 30 минут."
        default: "Press 1 to acknowledge, 2 to resolve, 3 to snooze 30 minutes."
        }
    }

    /// Twilio's `<Say>` `voice` and `language` for a BCP 47 tag: Amazon Polly voices for Chinese
    /// (Zhiyu, cmn-CN) and Russian (Tatyana, ru-RU); English otherwise.
    public static func voice(_ language: String) -> (voice: String, language: String) {
        switch base(language) {
        case "zh": ("Polly.Zhiyu", "cmn-CN")
        case "ru": ("Polly.Tatyana", "ru-RU")
        default: ("Polly.Joanna", "en-US")
        }
    }

    /// `<Response><Gather numDigits="1" action=… method="POST" timeout="10"><Say …>message menu</Say></Gather>`
    /// and a second Gather with the menu alone.
    /// `message` is cut so the document stays within `maxLength` (Twilio refuses a longer
    /// `Twiml` with 32018).
    public static func page(message: String, language: String, gatherURL: String, maxLength: Int = 4000) -> String {
        let (voice, lang) = voice(language)
        let menu = menu(language)
        let gather = "<Gather numDigits=\"1\" action=\"\(escape(gatherURL))\" method=\"POST\" timeout=\"10\">"
        let say = "<Say voice=\"\(voice)\" language=\"\(lang)\">"
        // The menu again after the message, for a callee who woke up during it.
        func doc(_ text: String) -> String {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                + "\(gather)\(say)\(escape(text)) \(escape(menu))</Say></Gather>"
                + "\(gather)\(say)\(escape(menu))</Say></Gather></Response>"
        }
        return fit(message, maxLength: maxLength, doc)
    }

    /// `doc` of the longest prefix of `message` (in characters) that keeps it within
    /// `maxLength` characters; escaping makes the length grow unevenly, so this searches.
    static func fit(_ message: String, maxLength: Int, _ doc: (String) -> String) -> String {
        let whole = doc(message)
        guard whole.count > maxLength else { return whole }
        let chars = Array(message)
        var low = 0, high = chars.count
        while low < high {
            let mid = (low + high + 1) / 2
            if doc(String(chars[..<mid])).count <= maxLength { low = mid } else { high = mid - 1 }
        }
        return doc(String(chars[..<low]))
    }

    /// A call that only speaks (no URL to send a key to): the message, said twice.
    public static func notice(message: String, language: String, maxLength: Int = 4000) -> String {
        let (voice, lang) = voice(language)
        let say = "<Say voice=\"\(voice)\" language=\"\(lang)\" loop=\"2\">"
        func doc(_ text: String) -> String { "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\(say)\(escape(text))</Say></Response>" }
        return fit(message, maxLength: maxLength, doc)
    }

    /// A reply to a callback: one `<Say>`.
    public static func say(_ text: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>\(escape(text))</Say></Response>"
    }

    /// XML text and attribute escaping (`& < > " '`), and control characters other than tab and
    /// line breaks dropped (they are not allowed in XML 1.0).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default: if u.value >= 0x20 && u.value != 0xFFFE && u.value != 0xFFFF { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    static func base(_ language: String) -> String {
        String(language.lowercased().prefix { $0 != "-" && $0 != "_" })
    }
}
