/// Why a test could not go on: a server it needs is unreachable, a helper did not start, a
/// condition never held. Thrown, so the test fails with this text (tests never skip).
public struct TestFailure: Error, CustomStringConvertible {
    /// The reason, naming what is missing and how to provide it.
    public let description: String

    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}
