import AlertCore

extension EmailContent.Facts {
    /// The HTML body: the same facts as the text body, every alert value escaped. Links become
    /// anchors only for http(s) URLs; anything else (`javascript:`) is shown as text.
    var html: String {
        let e = EmailContent.escapeHTML
        var out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(e(title))</title></head>\n"
        out += "<body style=\"font-family:sans-serif\">\n<h2>\(e(title))</h2>\n<table>\n"
        for (k, v) in rows { out += "<tr><th align=\"left\">\(e(k))</th><td>\(e(v))</td></tr>\n" }
        out += "</table>\n"
        if !message.isEmpty { out += "<pre style=\"white-space:pre-wrap\">\(e(message))</pre>\n" }
        func section(_ name: String, _ pairs: [(String, String)]) {
            guard !pairs.isEmpty else { return }
            out += "<h3>\(name)</h3>\n<table>\n"
            for (k, v) in pairs { out += "<tr><td><code>\(e(k))</code></td><td>\(e(v))</td></tr>\n" }
            out += "</table>\n"
        }
        section("Labels", labels)
        section("Annotations", annotations)
        if !links.isEmpty {
            out += "<h3>Links</h3>\n<ul>\n"
            for l in links {
                let lower = l.url.lowercased()
                if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
                    out += "<li><a href=\"\(e(l.url))\">\(e(l.title))</a></li>\n"
                } else {
                    out += "<li>\(e(l.title)): \(e(l.url))</li>\n"
                }
            }
            out += "</ul>\n"
        }
        out += "<p style=\"color:#777;font-size:small\">\(e(footer))</p>\n</body></html>\n"
        return out
    }
}

extension EmailContent {
    /// Escapes text for HTML element content and quoted attribute values.
    public static func escapeHTML(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
