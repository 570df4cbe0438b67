extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines and other
    /// Unicode white space). Pure Swift: Foundation's `trimmingCharacters(in:)` bridges through
    /// CFString, which made it a measurable share of the gateway's CPU.
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// `true` when the text is empty or only white space.
    public var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
