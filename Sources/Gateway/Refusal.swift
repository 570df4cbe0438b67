/// Why a request is refused, as one sentence for the person or script that sent it; written as
/// a string literal.
struct Refusal: Error, Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The sentence.
    var message: String
    init(stringLiteral value: String) { message = value }
    init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
    var description: String { message }
}
