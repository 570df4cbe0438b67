import Foundation

/// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
/// For `#expect(await eventually(seconds: 10) { … })`. Deadlines are generous: tests wait for
/// state, they never assert how long it took.
public func eventually(seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Polls `condition` every 50 ms until it holds; throws a `TestFailure` naming `what` (or,
/// without it, the caller's file and line) when it still does not hold after `seconds`.
public func waitFor(
    _ what: String? = nil, seconds: Double = 20, file: String = #fileID, line: Int = #line,
    _ condition: () async throws -> Bool
) async throws {
    if try await eventually(seconds: seconds, condition) { return }
    throw TestFailure("timed out after \(Int(seconds)) s waiting for: \(what ?? "the condition at \(file):\(line)")")
}

/// Runs blocking work on a thread of its own, off the cooperative pool.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread { c.resume(with: Result { try body() }) }.start()
    }
}
