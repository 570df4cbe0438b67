internal import CCurl

/// libcurl's process-wide initialisation, done exactly once.
enum CurlGlobal {
    /// Why a lazy `static let`: Swift runs its initializer once, thread-safely (swift_once), and
    /// `curl_global_init` itself is not thread-safe. Every handle touches this before
    /// `curl_easy_init`, so the first one pays for it.
    static let initialized: Void = {
        let code = curl_global_init(Int(CURL_GLOBAL_ALL))
        // Fails only when out of memory or when libcurl's TLS backend cannot start: nothing
        // any caller could recover from.
        precondition(code == CURLE_OK, "curl_global_init failed: \(CurlGlobal.message(code))")
    }()

    /// libcurl's short text for a result code ("Couldn't connect to server").
    static func message(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }
}
