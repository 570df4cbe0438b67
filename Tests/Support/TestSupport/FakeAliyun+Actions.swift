import Foundation

/// The fake Aliyun's actions, after the common checks: what each requires, and its answer.
extension FakeAliyun {
    struct Answer {
        var status: Int
        var code: String
        var id: String
        var body: [String: Any]
    }

    func perform(_ action: String, _ p: [String: String]) -> Answer {
        let business = state.withLock { $0.businessStatus }
        func fail(_ code: String, _ message: String, status: Int? = nil) -> Answer {
            Answer(status: status ?? business, code: code, id: "", body: ["RequestId": UUID().uuidString, "Code": code, "Message": message])
        }
        switch action {
        case "SingleCallByTts", "IvrCall":
            let ivr = action == "IvrCall"
            guard let number = p["CalledNumber"], !number.isEmpty else {
                return fail("MissingCalledNumber", "CalledNumber is mandatory", status: 400)
            }
            guard number.wholeMatch(of: /1[3-9][0-9]{9}|0[1-9][0-9]{8,10}/) != nil else {
                return fail("isv.MOBILE_NUMBER_ILLEGAL", "号码格式非法")
            }
            let show = p["CalledShowNumber"] ?? ""
            if ivr, show.isEmpty { return fail("MissingCalledShowNumber", "CalledShowNumber is mandatory", status: 400) }
            if !show.isEmpty, show != Self.showNumber { return fail("isv.DISPLAY_NUMBER_ILLEGAL", "号显不合法") }
            let code = p[ivr ? "StartCode" : "TtsCode"] ?? ""
            if let problem = Self.templateProblem(code, json: p[ivr ? "StartTtsParams" : "TtsParam"], templates: Self.voiceTemplates, limit: 250) {
                return fail(problem.0, problem.1)
            }
            if ivr {
                var i = 1
                while let key = p["MenuKeyMap.\(i).Key"] {
                    guard key.wholeMatch(of: /[0-9*#]/) != nil, Self.voiceTemplates[p["MenuKeyMap.\(i).Code"] ?? ""] != nil else {
                        return fail("isv.INVALID_PARAMETERS", "MenuKeyMap.\(i) is not valid")
                    }
                    i += 1
                }
                if i == 1 { return fail("isv.INVALID_PARAMETERS", "MenuKeyMap is required") }
                if let t = p["Timeout"], Int(t) == nil { return fail("isv.INVALID_PARAMETERS", "Timeout") }
            }
            if let times = p["PlayTimes"], !(1...3).contains(Int(times) ?? 0) { return fail("isv.INVALID_PARAMETERS", "PlayTimes 1-3") }
            let outID = p["OutId"] ?? ""
            if outID.utf8.count > 15 { return fail("isv.INVALID_PARAMETERS", "OutId is longer than 15 bytes") }
            return placeCall(number: number, outID: outID, ivr: ivr, fail: fail)
        case "SendSms":
            guard let numbers = p["PhoneNumbers"], !numbers.isEmpty else {
                return fail("MissingPhoneNumbers", "PhoneNumbers is mandatory", status: 400)
            }
            guard numbers.wholeMatch(of: /1[3-9][0-9]{9}|[1-9][0-9]{7,14}/) != nil else { return fail("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号") }
            guard p["SignName"] == Self.signName else { return fail("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法") }
            if let problem = Self.templateProblem(p["TemplateCode"] ?? "", json: p["TemplateParam"], templates: Self.smsTemplates, limit: 36) {
                return fail(problem.0 == "isv.TTS_TEMPLATE_ILLEGAL" ? "isv.SMS_TEMPLATE_ILLEGAL" : problem.0, problem.1)
            }
            if let refusal = state.withLock({ $0.refusals.isEmpty ? nil : $0.refusals.removeFirst() }) {
                return fail(refusal, "refused as the test asked")
            }
            let id = state.withLock { s -> String in
                s.counter += 1
                return "9\(s.counter)^0"
            }
            return Answer(status: 200, code: "OK", id: id, body: ["RequestId": UUID().uuidString, "Code": "OK", "Message": "OK", "BizId": id])
        case "QueryCallDetailByCallId":
            guard let callID = p["CallId"], !callID.isEmpty else { return fail("MissingCallId", "CallId is mandatory", status: 400) }
            guard ["11000000300006", "11000000300005"].contains(p["ProdId"] ?? "") else { return fail("isv.INVALID_PARAMETERS", "ProdId") }
            guard Int64(p["QueryDate"] ?? "") != nil else { return fail("isv.INVALID_PARAMETERS", "QueryDate is Unix ms") }
            let data = state.withLock { s -> String in
                guard let call = s.calls[callID], call.ended else { return "" }
                if s.queriesBeforeDetail > 0 {
                    s.queriesBeforeDetail -= 1
                    return ""
                }
                let answered = s.callee != .noAnswer
                var detail: [String: Any] = [
                    "caller": Self.showNumber, "callee": call.number, "callerShowNumber": Self.showNumber, "calleeShowNumber": Self.showNumber,
                    "state": answered ? "200000" : "200003", "stateDesc": answered ? "用户听完" : "用户未接听", "duration": answered ? 12 : 0,
                    "gmtCreate": "2024-01-02 03:04:05", "startDate": "2024-01-02 03:04:05", "endDate": "2024-01-02 03:04:17",
                ]
                if let key = call.key { detail["dtmf"] = key }
                return String(decoding: try! JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
            }
            return Answer(status: 200, code: "OK", id: "", body: ["RequestId": UUID().uuidString, "Code": "OK", "Message": "OK", "Data": data])
        default:
            return fail("InvalidAction.NotFound", "Specified api is not found", status: 404)
        }
    }

    /// The flow control (1 a minute, 5 an hour, 20 a day per callee; refusals do not count),
    /// then a refusal the test asked for, else a placed call.
    private func placeCall(number: String, outID: String, ivr: Bool, fail: (String, String, Int?) -> Answer) -> Answer {
        let now = Date()
        let verdict = state.withLock { s -> String? in
            let log = s.placed[number] ?? []
            for (window, max) in [(60.0, 1), (3600.0, 5), (86_400.0, 20)] where log.filter({ now.timeIntervalSince($0) < window }).count >= max {
                return "isv.BUSINESS_LIMIT_CONTROL"
            }
            if !s.refusals.isEmpty { return s.refusals.removeFirst() }
            return nil
        }
        if let verdict { return fail(verdict, verdict == "isv.BUSINESS_LIMIT_CONTROL" ? "触发号码天级流控" : "refused as the test asked", nil) }
        let id = state.withLock { s -> String in
            s.counter += 1
            let id = "1160\(s.counter)^10\(s.counter)"
            s.placed[number, default: []].append(now)
            s.calls[id] = Call(number: number, outID: outID, ivr: ivr)
            return id
        }
        return Answer(status: 200, code: "OK", id: id, body: ["RequestId": UUID().uuidString, "Code": "OK", "Message": "OK", "CallId": id])
    }

    /// A template code unknown, a variable missing, values too long together, or a link in one.
    static func templateProblem(_ code: String, json: String?, templates: [String: [String]], limit: Int) -> (String, String)? {
        guard let variables = templates[code] else { return ("isv.TTS_TEMPLATE_ILLEGAL", "模板 \(code) 不存在或未审核") }
        let values = json.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String] } ?? [:]
        if json != nil, values.isEmpty, !variables.isEmpty {
            return ("isv.INVALID_PARAMETERS", "template parameters are not a JSON object of strings")
        }
        for v in variables where values[v] == nil { return ("isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量 \(v)") }
        if values.values.reduce(0, { $0 + $1.count }) >= limit { return ("isv.PARAM_LENGTH_LIMIT", "参数超过长度限制") }
        if values.values.contains(where: { $0.firstMatch(of: /(?i)https?:\/\/|www\./) != nil }) {
            return ("isv.PARAM_NOT_SUPPORT_URL", "变量不支持传入url")
        }
        return nil
    }
}
