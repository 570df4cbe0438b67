import AMQP
import Testing

@Suite struct AMQPURLTests {
    @Test func plainURL() throws {
        let u = try #require(AMQPURL("amqp://klaxon:p%40ss@rabbit.example.com:5673/prod"))
        #expect(!u.tls)
        #expect(u.host == "rabbit.example.com" && u.port == 5673 && u.user == "klaxon" && u.password == "p@ss" && u.vhost == "prod")
        #expect(u.description == "amqp://klaxon@rabbit.example.com:5673/prod")  // no password in logs
    }

    @Test func defaults() throws {
        let u = try #require(AMQPURL("amqp://127.0.0.1"))
        #expect(u.port == 5672 && u.user == "guest" && u.vhost == "/")
        #expect(try #require(AMQPURL("amqp://h/%2F")).vhost == "/")
    }

    @Test func tlsURL() throws {
        let u = try #require(AMQPURL("amqps://k:p@rabbit.example.com/"))
        #expect(u.tls && u.port == 5671)
        #expect(u.description.hasPrefix("amqps://"))
    }

    @Test func rejects() {
        #expect(AMQPURL("http://h") == nil)
        #expect(AMQPURL("amqp://") == nil)
    }
}
