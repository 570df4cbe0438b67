import Testing
import Templates

@Suite("UTF-8 content: Chinese and Russian")
struct UnicodeTests {
    @Test("text, names and values in Chinese and Russian")
    func textNamesAndValues() throws {
        let template = try Template(source: "【{{级别}}】{{标题}} — Сервер: {{сервер}}, статус: {{статус}}")
        let context: TemplateValue = ["级别": "严重", "标题": "磁盘空间不足", "сервер": "бд-1", "статус": "Ошибка"]
        #expect(template.render(context) == "【严重】磁盘空间不足 — Сервер: бд-1, статус: Ошибка")
    }

    @Test("sections over Chinese list items, DingTalk markdown with .none")
    func markdownList() throws {
        let source = """
            ### {{title}}
            {{#alerts}}
            - **{{labels.severity}}** {{annotations.summary}}
            {{/alerts}}
            {{^alerts}}
            无告警
            {{/alerts}}

            """
        let template = try Template(source: source)
        let context: TemplateValue = [
            "title": "告警通知 & Уведомление",
            "alerts": [
                ["labels": ["severity": "严重"], "annotations": ["summary": "CPU 使用率 > 90%"]],
                ["labels": ["severity": "警告"], "annotations": ["summary": "Диск почти заполнен"]],
            ],
        ]
        let expected = """
            ### 告警通知 & Уведомление
            - **严重** CPU 使用率 > 90%
            - **警告** Диск почти заполнен

            """
        #expect(template.render(context, escaping: .none) == expected)
        #expect(template.render(["title": "空", "alerts": []], escaping: .none) == "### 空\n无告警\n")
    }

    @Test("non-ASCII delimiters and partial indentation")
    func delimitersAndPartials() throws {
        let template = try Template(source: "{{=「 」=}}名称：「名称」\n  「> 详情」\n结束")
        let partial = try Template(source: "第一行\n第二行：「{{值}}」\n")
        let rendered = template.render(["名称": "测试", "{{值}}": "x"], partials: ["详情": partial])
        // The partial keeps its own (default) delimiters; `{{值}}` is missing, so it prints nothing.
        #expect(rendered == "名称：测试\n  第一行\n  第二行：「」\n结束")
    }

    @Test("HTML escaping leaves multi-byte characters intact")
    func escapingMultibyte() throws {
        let template = try Template(source: "{{v}}")
        #expect(template.render(["v": "<Привет & 你好>"]) == "&lt;Привет &amp; 你好&gt;")
        #expect(template.render(["v": "👩‍💻 é"]) == "👩‍💻 é")
    }
}
