import Testing
import Templates

/// A registry compiled once and shared, as channel workers will hold it.
private struct Registry: Sendable {
    let subject: Template
    let partials: [String: Template]

    init() throws {
        subject = try Template(source: "[{{status}}] {{title}} {{> footer}}")
        partials = ["footer": try Template(source: "(#{{n}})")]
    }
}

private actor Collector {
    var results: [Int: String] = [:]
    func add(_ index: Int, _ text: String) { results[index] = text }
}

@Suite("Compiled templates are Sendable")
struct SendableTests {
    @Test("the public types are Sendable")
    func conformances() {
        func requireSendable<T: Sendable>(_: T.Type) {}
        requireSendable(Template.self)
        requireSendable(TemplateValue.self)
        requireSendable(TemplateError.self)
        requireSendable(Escaping.self)
    }

    @Test("one compiled template renders concurrently from many tasks")
    func concurrentRendering() async throws {
        let registry = try Registry()
        let collector = Collector()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let context: TemplateValue = ["status": "FIRING", "title": "告警 \(index)", "n": .number(Double(index))]
                    let text = registry.subject.render(context, partials: registry.partials, escaping: .none)
                    await collector.add(index, text)
                }
            }
        }
        let results = await collector.results
        #expect(results.count == 200)
        for index in 0..<200 {
            #expect(results[index] == "[FIRING] 告警 \(index) (#\(index))")
        }
    }

    @Test("a template crosses into an actor and back")
    func actorIsolation() async throws {
        actor Holder {
            let template: Template
            init(_ template: Template) { self.template = template }
            func render(_ value: TemplateValue) -> String { template.render(value) }
        }
        let holder = Holder(try Template(source: "{{x}}"))
        #expect(await holder.render(["x": "ok"]) == "ok")
    }
}
