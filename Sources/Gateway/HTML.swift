import AlertCore
import Foundation
import Templates

/// HTML text: escaping, and the response every incident page is sent with.
enum HTML {
    /// `text` safe inside an element or a quoted attribute value: `& < > " '` become entities.
    static func escape(_ text: String) -> String { Escaping.htmlStrict.escape(text) }

    /// `text` as one path segment of a URL (RFC 3986 unreserved characters kept, the rest
    /// percent-encoded: a `:` or `/` in an incident id cannot change what the URL means).
    static func pathSegment(_ text: String) -> String { PercentEncoding.unreserved(text) }

    /// The headers of every incident page: never cached (it shows live state and carries a
    /// signed link), never sent as a referrer (the link is a credential), no scripts, no frames,
    /// forms only to this gateway.
    static let headers: [(String, String)] = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ]

    /// The page's style: one column, large touch targets, readable on a phone; no scripts.
    static let style = """
        body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f6f4;color:#1b1b1b}
        main{max-width:40rem;margin:0 auto;padding:1rem}
        h1{font-size:1.35rem;margin:.25rem 0 .5rem;overflow-wrap:anywhere}
        h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
        .badges span{display:inline-block;padding:.1rem .5rem;border-radius:.4rem;margin-right:.3rem;background:#ddd;font-weight:600}
        .sev{background:#f3d3d0!important;color:#7a1b12}
        .s-triggered{background:#b3261e!important;color:#fff}
        .s-acknowledged{background:#1d6b3a!important;color:#fff}
        .s-snoozed{background:#8a6d00!important;color:#fff}
        .s-resolved{background:#555!important;color:#fff}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem .8rem;margin:1rem 0}
        dt{font-weight:600;color:#555}dd{margin:0;overflow-wrap:anywhere}
        .notice{padding:.75rem 1rem;border-radius:.5rem;background:#dff3e4;border:1px solid #1d6b3a;font-weight:600}
        .notice small{display:block;font-weight:400}
        .problem{padding:.75rem 1rem;border-radius:.5rem;background:#fbe4e2;border:1px solid #b3261e}
        form{display:flex;flex-wrap:wrap;gap:.5rem;margin:.6rem 0}
        button{flex:1 1 10rem;min-height:3rem;font-size:1.05rem;font-weight:600;border:0;border-radius:.5rem;background:#1b4f8a;color:#fff}
        button.ack{background:#1d6b3a}button.resolve{background:#444}button.escalate{background:#b3261e}
        select,input{flex:1 1 100%;min-height:2.75rem;font-size:1rem;padding:.3rem;border:1px solid #999;border-radius:.4rem;background:#fff}
        ol{padding-left:1.2rem}li{margin:.35rem 0;overflow-wrap:anywhere}
        time{display:block;font-size:.85rem;color:#555}
        .foot{margin-top:2rem;font-size:.85rem;color:#555}
        """

    /// A whole document: `title` in the head, `body` inside `<main>` (both already escaped).
    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
