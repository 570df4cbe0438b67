import AlertCore
import Foundation
import Notify
import TestSupport
import Testing

/// The signatures against vectors computed apart from Klaxon, with Python's `hmac`, `hashlib`
/// and `urllib.parse.quote(s, safe="~")` (the RFC 3986 unreserved set Aliyun's spec asks for):
///
/// ```sh
/// python3 - <<'EOF'
/// import hmac, hashlib, base64, json, datetime
/// from urllib.parse import quote
/// enc = lambda s: quote(s, safe="~")
/// def aliyun(method, p, secret="testsecret"):
///     q = "&".join(enc(k) + "=" + enc(v) for k, v in sorted(p.items()))
///     s = method + "&" + enc("/") + "&" + enc(q)
///     return base64.b64encode(hmac.new((secret + "&").encode(), s.encode(), hashlib.sha1).digest()).decode()
/// print(aliyun("GET", {...DescribeRegions example...}), aliyun("POST", {...the SingleCallByTts below...}))
/// body = b'{"CalledNumber":"+8613800138000","TemplateId":"1000001"}'; ts = 1700000000
/// date = datetime.datetime.utcfromtimestamp(ts).strftime("%Y-%m-%d")
/// cr = "POST\n/\n\ncontent-type:application/json\nhost:vms.tencentcloudapi.com\n\ncontent-type;host\n" + hashlib.sha256(body).hexdigest()
/// sts = "TC3-HMAC-SHA256\n%d\n%s/vms/tc3_request\n%s" % (ts, date, hashlib.sha256(cr.encode()).hexdigest())
/// h = lambda k, m: hmac.new(k, m.encode(), hashlib.sha256).digest()
/// print(hmac.new(h(h(h(b"TC3testkey", date), "vms"), "tc3_request"), sts.encode(), hashlib.sha256).hexdigest())
/// EOF
/// ```
@Suite struct ChineseVoiceSignatureTests {
    @Test func aliyunSignsAsItsDocumentedExample() {
        // help.aliyun.com/document_detail/28839.html's own example (AccessKeySecret "testsecret").
        let params = [
            ("AccessKeyId", "testid"), ("Action", "DescribeRegions"), ("Format", "XML"), ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"), ("SignatureVersion", "1.0"), ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]
        #expect(
            AliyunSignature.stringToSign(method: "GET", params: params.reversed())
                == "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        )
        #expect(AliyunSignature.sign(secret: "testsecret", method: "GET", params: params) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
    }

    @Test func aliyunEncodesSpacesStarsTildesAndChinese() {
        let params = [
            ("AccessKeyId", "testid"), ("Action", "SingleCallByTts"), ("CalledNumber", "13800138000"), ("Format", "JSON"), ("OutId", "abc"),
            ("PlayTimes", "2"), ("RegionId", "cn-hangzhou"), ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"), ("SignatureVersion", "1.0"), ("Timestamp", "2024-01-02T03:04:05Z"),
            ("TtsCode", "TTS_100001"), ("TtsParam", #"{"alert":"磁盘 满 * ~"}"#), ("Version", "2017-05-25"),
        ]
        #expect(AliyunSignature.sign(secret: "testsecret", method: "POST", params: params) == "OphQFX9MghRIgpP/AYwvj0aIyNo=")
        #expect(AliyunSignature.canonicalQuery([("TtsParam", "a b*~")]) == "TtsParam=a%20b%2A~")
        let signed = AliyunSignature.signedQuery(secret: "testsecret", method: "POST", params: params)
        #expect(signed.hasSuffix("&Signature=OphQFX9MghRIgpP%2FAYwvj0aIyNo%3D"))
    }

    @Test func tencentSignsTC3() {
        let body = Array(#"{"CalledNumber":"+8613800138000","TemplateId":"1000001"}"#.utf8)
        #expect(TencentSignature.date(1_700_000_000) == "2023-11-14")
        #expect(TencentSignature.date(1_704_067_199) == "2023-12-31" && TencentSignature.date(1_704_067_200) == "2024-01-01")
        #expect(
            TencentSignature.signature(secretKey: "testkey", service: "vms", host: "vms.tencentcloudapi.com", timestamp: 1_700_000_000, body: body)
                == "6027bd4bb9d5683fef1a3e6616f6eec4520bf7378d4e1cc2d8847598216525b3")
        #expect(
            TencentSignature.authorization(
                secretID: "AKIDx", secretKey: "testkey", service: "vms", host: "vms.tencentcloudapi.com", timestamp: 1_700_000_000, body: body)
                == "TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/vms/tc3_request, SignedHeaders=content-type;host, "
                + "Signature=6027bd4bb9d5683fef1a3e6616f6eec4520bf7378d4e1cc2d8847598216525b3")
    }
}

@Suite struct TemplateVariableTests {
    @Test func linksGoWhiteSpaceFoldsAndTheCutKeepsWholeCharacters() {
        #expect(TemplateVariable.value("磁盘满\n详情见https://grafana.example.com/d/x 或 www.example.com 请处理", maxChars: 100) == "磁盘满 详情见 或 请处理")
        #expect(TemplateVariable.value("HTTP://A.B/c disk", maxChars: 100) == "disk")
        let long = String(repeating: "磁", count: 300) + "👩🏽‍💻"
        #expect(TemplateVariable.value(long, maxChars: 249).count == 249)
        #expect(TemplateVariable.value("ab👩🏽‍💻cd", maxChars: 3) == "ab👩🏽‍💻")
        #expect(TemplateVariable.json(["alert": "a/b \"c\""]) == #"{"alert":"a/b \"c\""}"#)
    }
}

@Suite struct ChineseVoiceErrorTests {
    @Test func aliyunCodesDecideTheChain() {
        func c(_ code: String, _ status: Int = 200) -> DeliveryError { AliyunProvider.classify(code: code, status: status, detail: "d") }
        for code in [
            "isv.MOBILE_NUMBER_ILLEGAL", "isv.AMOUNT_NOT_ENOUGH", "isv.ACCOUNT_ABNORMAL", "isv.PRODUCT_UNSUBSCRIBE", "isv.PRODUCT_UN_SUBSCRIPT",
            "isv.TTS_TEMPLATE_ILLEGAL", "isv.DISPLAY_NUMBER_ILLEGAL",
        ] {
            #expect(c(code) == .permanent(.vendorCode, "d"), "\(code)")
            #expect(c(code, 400) == .permanent(.vendorCode, "d"), "\(code) with 400")
        }
        for code in ["InvalidAccessKeyId.NotFound", "InvalidAccessKeyId", "SignatureDoesNotMatch"] {
            #expect(c(code, 400) == .permanent(.authError, "d"))
        }
        #expect(c("isv.BUSINESS_LIMIT_CONTROL") == .permanent(.rateLimited, "d"))
        #expect(c("isv.BUSINESS_LIMIT_CONTROL", 400) == .permanent(.rateLimited, "d"))
        #expect(c("Throttling.User", 400) == .transient(.rateLimited, "d"))
        #expect(c("isp.SYSTEM_ERROR") == .transient(.serverError, "d"))
        #expect(c("", 503) == .transient(.serverError, "d"))
        #expect(c("InvalidTimeStamp.Expired", 400).kind == .permanent)
    }

    @Test func aliyunAnswersAreReadFrom200And400Alike() throws {
        #expect(throws: DeliveryError.permanent(.rateLimited, "a: HTTP 400 isv.BUSINESS_LIMIT_CONTROL: limited")) {
            _ = try AliyunProvider.judge(status: 400, body: Data(#"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"limited"}"#.utf8), provider: "a")
        }
        #expect(throws: DeliveryError.permanent(.vendorCode, "a: HTTP 200 isv.AMOUNT_NOT_ENOUGH: no money")) {
            _ = try AliyunProvider.judge(status: 200, body: Data(#"{"Code":"isv.AMOUNT_NOT_ENOUGH","Message":"no money"}"#.utf8), provider: "a")
        }
        let ok = try AliyunProvider.judge(status: 200, body: Data(#"{"Code":"OK","CallId":"1^2"}"#.utf8), provider: "a")
        #expect(ok["CallId"] as? String == "1^2")
    }

    @Test func tencentCodesDecideTheChain() throws {
        func c(_ code: String) -> DeliveryError { TencentProvider.classify(code: code, status: 200, detail: "d") }
        for code in ["AuthFailure.SignatureFailure", "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound"] {
            #expect(c(code) == .permanent(.authError, "d"))
        }
        for code in [
            "FailedOperation.InsufficientBalanceInVoicePackage", "FailedOperation.PhoneNumberUnappliedOrExpired",
            "FailedOperation.ContainSensitiveWord",
        ] {
            #expect(c(code) == .permanent(.vendorCode, "d"))
        }
        #expect(c("RequestLimitExceeded") == .transient(.rateLimited, "d"))
        #expect(c(FakeTencent.thirtySecondLimit) == .permanent(.rateLimited, "d"))
        #expect(c("InternalError") == .transient(.serverError, "d"))
        #expect(throws: DeliveryError.permanent(.authError, "t: HTTP 200 AuthFailure.SignatureFailure: bad")) {
            _ = try TencentProvider.judge(
                status: 200, body: Data(#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r"}}"#.utf8),
                provider: "t")
        }
        #expect(
            try TencentProvider.judge(
                status: 200, body: Data(#"{"Response":{"SendStatus":{"CallId":"c1","SessionContext":""},"RequestId":"r"}}"#.utf8), provider: "t")
                == "c1")
    }
}
