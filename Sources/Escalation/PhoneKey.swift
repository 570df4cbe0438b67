import Foundation
import OnCall

/// What a key pressed during a page call does (docs/voice.md), written once for every path a
/// key arrives by: the gateway's provider callbacks (Twilio, webhook, Aliyun receipts, Tencent
/// callbacks) and `klaxon-voice`'s polling of Aliyun's call detail.
public enum PhoneKey {
    /// How long key 3 snoozes.
    public static let snoozeSeconds: TimeInterval = 30 * 60

    /// 1 acknowledge, 2 resolve, 3 snooze 30 minutes; nil for any other key.
    public static func action(_ digits: String) -> IncidentCommand.Action? {
        switch digits {
        case "1": .acknowledge
        case "2": .resolve
        case "3": .snooze
        default: nil
        }
    }

    /// The command for `digits` pressed on a call about `incidentID` to the number `to`, or nil
    /// (another key, or no incident). It is by the person whose `phone` is `to` (else the number
    /// itself), via `phoneKey`. `id` names the press as the provider reported it
    /// (`<provider>:<call id>:<digits>`), so a callback delivered twice applies once.
    public static func command(digits: String, incidentID: String, to: String, people: [Person], id: String, at: Date) -> IncidentCommand? {
        guard let action = action(digits), !incidentID.isEmpty else { return nil }
        let by = caller(to, people)
        return IncidentCommand(
            id: id, incidentID: incidentID, action: action, by: by, via: .phoneKey,
            until: action == .snooze ? at.addingTimeInterval(snoozeSeconds) : nil, at: at)
    }

    /// The command recording how a page call about `incidentID` to `to` ended without a key, or
    /// nil without an incident. `id`: `<provider>:<call id>:outcome`, so a repeated callback
    /// applies once.
    public static func outcomeCommand(_ outcome: CallOutcome, incidentID: String, to: String, people: [Person], id: String, at: Date)
        -> IncidentCommand?
    {
        guard !incidentID.isEmpty else { return nil }
        let by = caller(to, people)
        return IncidentCommand(id: id, incidentID: incidentID, action: .callOutcome, by: by, via: .phoneKey, outcome: outcome, at: at)
    }

    /// Who was called: the person whose `phone` is `to`, else the number itself.
    static func caller(_ to: String, _ people: [Person]) -> String { people.first { $0.phone == to }?.id.rawValue ?? to }

    /// The id of a key press: `<provider>:<call id>:<digits>`.
    public static func commandID(provider: String, callID: String, digits: String) -> String { "\(provider):\(callID):\(digits)" }
}
