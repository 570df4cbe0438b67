import AlertCore
import Foundation

/// Reads a robot's answer. Robots answer errors with HTTP 200 and a code in the JSON body
/// (DingTalk/WeCom `errcode`/`errmsg`, Feishu `code`/`msg`): a 200 with a non-zero code is a
/// failure. Rate-limit codes are transient (retry when the window reopens); bad signature,
/// keyword, token or request are permanent, with the platform's message as the reason.
public enum RobotAnswer {
    /// Per-platform meaning of the codes (shared/protocols.md B1-B3).
    public struct Codes: Sendable {
        /// "Too many messages": transient `.rateLimited`.
        public var rateLimited: Set<Int>
        /// Signature, keyword, IP, token: permanent `.authError`.
        public var auth: Set<Int>
        /// "System busy": transient `.serverError`.
        public var busy: Set<Int>
    }

    public static let dingTalk = Codes(rateLimited: [130101, 130102], auth: [310000, 300001, 400101, 400102], busy: [-1])
    public static let weCom = Codes(rateLimited: [45009], auth: [93000, 93004, 40001, 40014], busy: [-1])
    public static let feishu = Codes(rateLimited: [11232], auth: [19021, 19022, 19024, 19001], busy: [])

    /// - Parameters:
    ///   - codeKeys: JSON keys holding the code, first found wins; `messageKeys` likewise.
    /// - Returns: `nil` when the answer is a success; otherwise the `DeliveryError` to throw.
    ///   Any other non-zero code is permanent `.vendorCode` (a bad request will not get better);
    ///   a 2xx whose body is not the platform's JSON is transient `.unparseable`.
    public static func judge(
        status: Int, body: Data, robot: String, platform: String, codes: Codes,
        codeKeys: [String], messageKeys: [String]
    ) -> DeliveryError? {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let code = codeKeys.lazy.compactMap { (object?[$0] as? NSNumber)?.intValue }.first
        let message = messageKeys.lazy.compactMap { object?[$0] as? String }.first ?? ""
        let said =
            "\(platform) robot \(robot) answered \(code.map(String.init) ?? "HTTP \(status)")"
            + (message.isEmpty ? "" : ": \(String(message.prefix(300)))")
        if let e = DeliveryError.classifyHTTP(status: status, detail: said) { return e }
        guard let code else {
            return .transient(
                .unparseable,
                "\(platform) robot \(robot) answered HTTP \(status) without a result code: "
                    + String(decoding: body.prefix(200), as: UTF8.self))
        }
        if code == 0 { return nil }
        if codes.rateLimited.contains(code) { return .transient(.rateLimited, said) }
        if codes.busy.contains(code) { return .transient(.serverError, said) }
        if codes.auth.contains(code) { return .permanent(.authError, said) }
        return .permanent(.vendorCode, said)
    }
}
