import AlertCore
import Foundation
import OnCall
import Testing

@testable import Gateway

/// The relay's pure parts: paths, the users query and page, the call form.
@Suite struct OnCallRelayModelTests {
    @Test(arguments: [
        ("/oncall/api/v1/info/", OnCallRelayRoute.Endpoint.info, ""), ("/oncall/api/v1/info", .info, ""),
        ("/oncall/api/v1/users", .users, ""), ("/oncall/api/v1/users/", .users, ""),
        ("/oncall/api/v1/make_call", .makeCall, ""), ("/oncall/api/v1/make_call/", .makeCall, ""),
        ("/oncall/api/v1/send_sms", .sendSMS, ""), ("/oncall/api/v1/integrations/", .integrations, ""),
        ("/oncall/integrations/v1/heartbeat/Habc/", .heartbeat, "Habc"), ("/oncall/integrations/v1/heartbeat/Habc", .heartbeat, "Habc"),
        ("/oncall/integrations/v1/heartbeat//", .unknown, ""), ("/oncall/integrations/v1/heartbeat/a/b", .unknown, ""),
        ("/oncall", .unknown, ""), ("/oncall/", .unknown, ""), ("/oncall/api/v1/info//", .unknown, ""), ("/oncall/api/v2/info", .unknown, ""),
    ])
    func routes(path: String, endpoint: OnCallRelayRoute.Endpoint, id: String) throws {
        let r = try #require(OnCallRelayRoute(path: path, prefix: "/oncall"))
        #expect(r.endpoint == endpoint && r.integrationID == id)
    }

    @Test func pathsOutsideThePrefixAreNotTheRelays() {
        for path in ["/oncallx/api/v1/info", "/api/v1/incidents", "/", "/onc"] { #expect(OnCallRelayRoute(path: path, prefix: "/oncall") == nil) }
        #expect(OnCallRelayRoute(path: "/a/b/api/v1/users", prefix: "/a/b")?.endpoint == .users)
    }

    @Test func theUsersQueryKeepsRepeatedRoles() throws {
        let q = try OnCallRelayUsers.Query.parse([("page", "2"), ("short", "true"), ("roles", "0"), ("roles", "1"), ("email", "a@b.c"), ("x", "y")])
            .get()
        #expect(q == .init(email: "a@b.c", username: nil, roles: [0, 1], page: 2, perPage: 100, short: true))
        #expect(try OnCallRelayUsers.Query.parse([("perpage", "500")]).get().perPage == 100)
        #expect(try OnCallRelayUsers.Query.parse([("email", ""), ("username", "")]).get() == .init())
    }

    @Test func pagesSplitThePeopleWithAnEMail() {
        let people = (1...5).map { Person(id: PersonID("p\($0)"), name: "P", email: $0 == 3 ? nil : "p\($0)@example.com", phone: nil) }
        var q = OnCallRelayUsers.Query()
        q.perPage = 2
        q.page = 2
        let page = OnCallRelayUsers.page(people, q) { n in "u?page=\(n.map(String.init) ?? "-")" }
        #expect(page["count"] as? Int == 4 && page["total_pages"] as? Int == 2 && page["current_page_number"] as? Int == 2)
        #expect((page["results"] as? [[String: Any]])?.map { $0["username"] as? String } == ["p4", "p5"])
        #expect(page["next"] is NSNull && page["previous"] as? String == "u?page=-")
        #expect(OnCallRelayUsers.url(base: "http://h", path: "/p", query: [("a", "x y"), ("page", "1")], page: 2) == "http://h/p?a=x%20y&page=2")
        #expect(OnCallRelayUsers.url(base: "http://h", path: "/p", query: [("page", "2")], page: nil) == "http://h/p")
    }

    @Test func theFormIsCheckedAsTheCloudChecksIt() throws {
        #expect(
            try OnCallRelayMessage.parse(Array("email=a%2Bb%40example.com&message=db+down%21".utf8)).get()
                == .init(email: "a+b@example.com", message: "db down!"))
        #expect(OnCallRelayMessage.parse(Array("message=x".utf8)) == .failure("email: missing (a form field, the person's e-mail)"))
        #expect(OnCallRelayMessage.parse(Array("email=a%40b&message=".utf8)) == .failure("message: missing (a form field, what to say or write)"))
    }
}
