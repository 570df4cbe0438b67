/// The notification channels. Each has its own queue (`notify.<channel>`) and worker.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case email
}
