/// The gateway's incident paths (already percent-decoded by the HTTP server).
enum IncidentPath: Equatable {
    /// `/incidents/{id}`: the page of a signed link.
    case page(id: String)
    /// `/incidents/{id}/{segment}`: a button of the page (`segment` not checked yet).
    case pageAction(id: String, segment: String)
    /// `/api/v1/incidents`.
    case apiList
    /// `/api/v1/incidents/{id}`.
    case apiIncident(id: String)
    /// `/api/v1/incidents/{id}/{segment}` (`segment` not checked yet).
    case apiAction(id: String, segment: String)
    /// Under `/incidents/` or `/api/v1/incidents/` but no path above (an empty id, extra parts).
    case malformedPage
    /// Under `/api/` but no path above.
    case malformedAPI

    /// The incident path `path` names; nil for every other path.
    init?(_ path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0].isEmpty else { return nil }
        if parts[1] == "incidents" {
            switch parts.count {
            case 3 where !parts[2].isEmpty: self = .page(id: parts[2])
            case 4 where !parts[2].isEmpty && !parts[3].isEmpty: self = .pageAction(id: parts[2], segment: parts[3])
            default: self = .malformedPage
            }
            return
        }
        guard parts[1] == "api" else { return nil }
        guard parts.count >= 4, parts[2] == "v1", parts[3] == "incidents" else {
            self = .malformedAPI
            return
        }
        switch parts.count {
        case 4: self = .apiList
        case 5 where !parts[4].isEmpty: self = .apiIncident(id: parts[4])
        case 6 where !parts[4].isEmpty && !parts[5].isEmpty: self = .apiAction(id: parts[4], segment: parts[5])
        default: self = .malformedAPI
        }
    }
}
