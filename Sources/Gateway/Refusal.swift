/// Why a request is refused, as one sentence for the person or script that sent it; written as
/// a string literal.
struct Refusal: Error, Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The sentence.
    var message: String
    /// A refusal saying `value`.
    init(stringLiteral value: String) { message = value }
    /// A refusal saying the interpolated text.
    init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
    /// The sentence.
    var description: String { message }
}
