import AlertCore

/// Klaxon's notification, not Foundation's `Notification` (both are imported here).
typealias Notification = AlertCore.Notification
