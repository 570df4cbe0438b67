import Foundation
internal import CCurl

/// The handle while one transfer is being set up and performed (see `CurlHandle.withTransfer`).
/// Setters `precondition` on failure: with a fixed libcurl build, a rejected option means our
/// bug (wrong type, option not built in), never a condition of the network.
struct CurlTransfer {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>

    func set(_ option: CURLoption, _ value: Int) {
        check(curlx_setopt_long(handle, option, value), option)
    }

    /// libcurl copies strings (since 7.17), so `value` need not outlive this call.
    func set(_ option: CURLoption, _ value: String) {
        check(value.withCString { curlx_setopt_string(handle, option, $0) }, option)
    }

    /// libcurl keeps the pointer: the caller keeps the memory alive through `perform`.
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        check(curlx_setopt_pointer(handle, option, pointer), option)
    }

    /// libcurl does NOT copy slists: the caller keeps `list` alive through `perform`.
    func set(_ option: CURLoption, list: CurlStringList) {
        check(curlx_setopt_slist(handle, option, list.head), option)
    }

    func set(_ option: CURLoption, offset: Int64) {
        check(curlx_setopt_offset(handle, option, curl_off_t(offset)), option)
    }

    func set(_ option: CURLoption, io: curlx_io_callback) {
        check(curlx_setopt_iofunc(handle, option, io), option)
    }

    func set(_ option: CURLoption, debug: curl_debug_callback) {
        check(curlx_setopt_debugfunc(handle, option, debug), option)
    }

    /// Runs the transfer (blocking) and returns libcurl's result code.
    func perform() -> CURLcode {
        curl_easy_perform(handle)
    }

    /// The last reply code: SMTP (e.g. 550) or HTTP status; 0 when none was received.
    var responseCode: Int {
        var code = 0
        _ = curlx_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// libcurl's detailed message for the failed transfer, or its generic text for `code`.
    func errorText(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return detail.isEmpty ? CurlGlobal.message(code) : detail
    }

    private func check(_ code: CURLcode, _ option: CURLoption) {
        precondition(code == CURLE_OK, "curl_easy_setopt(\(option.rawValue)) failed: \(CurlGlobal.message(code))")
    }
}

/// A `curl_slist` owned by Swift, freed on deinit. Why a class: libcurl keeps a pointer to the
/// list (recipients, HTTP headers) until the transfer ends, so its lifetime must be explicit.
final class CurlStringList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ items: [String]) {
        for item in items {
            // curl_slist_append copies the string; it returns NULL only when out of memory.
            guard let next = curl_slist_append(head, item) else { fatalError("curl_slist_append: out of memory") }
            head = next
        }
    }

    deinit { curl_slist_free_all(head) }
}
