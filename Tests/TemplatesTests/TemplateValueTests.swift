import Foundation
import Testing
import Templates

@Suite("TemplateValue construction and behaviour")
struct TemplateValueTests {
    @Test("built from Swift dictionaries and arrays")
    func fromSwift() {
        let labels: [String: String] = ["severity": "critical"]
        let counts: [Int] = [1, 2]
        let optional: String? = nil
        let value = TemplateValue(["labels": labels, "counts": counts, "ok": true, "ratio": 0.5, "none": optional])
        #expect(
            value
                == .dictionary([
                    "labels": .dictionary(["severity": .string("critical")]),
                    "counts": .list([.number(1), .number(2)]),
                    "ok": .bool(true), "ratio": .number(0.5), "none": .null,
                ]))
        #expect(TemplateValue(labels) == ["severity": "critical"])
        #expect(TemplateValue(["a", "b"]) == .list(["a", "b"]))
        #expect(value["labels"]?["severity"] == "critical")
    }

    @Test("numbers print like the spec: integers without a fraction")
    func numbers() {
        #expect(TemplateValue.number(85).renderedText == "85")
        #expect(TemplateValue.number(1.21).renderedText == "1.21")
        #expect(TemplateValue.number(-3).renderedText == "-3")
        #expect(TemplateValue.number(0.1 + 0.2).renderedText == "0.30000000000000004")
    }

    @Test("truthiness: false, null, \"\" and [] are falsey; 0 and {} are truthy")
    func truthiness() throws {
        let template = try Template(source: "{{#v}}T{{/v}}{{^v}}F{{/v}}")
        let cases: [(TemplateValue, String)] = [
            (false, "F"), (nil, "F"), ("", "F"), ([], "F"), (0, "T"), ([:], "T"), ("x", "T"), (true, "T"),
        ]
        for (value, expected) in cases {
            #expect(template.render(["v": value]) == expected, "\(value)")
        }
    }

    @Test("lists print joined; null prints nothing")
    func printing() throws {
        let template = try Template(source: "{{list}}|{{none}}|{{flag}}")
        #expect(template.render(["list": [1, "a", 2.5], "none": nil, "flag": false]) == "1, a, 2.5||false")
    }

    @Test("decodes from JSON")
    func decoding() throws {
        let json = #"{"a": [1, true, null, "x", {"b": 2.5}]}"#
        let value = try JSONDecoder().decode(TemplateValue.self, from: Data(json.utf8))
        #expect(value == ["a": [1, true, nil, "x", ["b": 2.5]]])
    }
}
