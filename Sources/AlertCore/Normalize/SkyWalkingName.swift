import Foundation

/// The entity named in a SkyWalking alarm's `name`, and the service to route on.
///
/// Grammar (SkyWalking `backend-alarm.md`), by scope:
/// | scope (id)                      | name                   | `service` | `sourceService` |
/// |---------------------------------|------------------------|-----------|-----------------|
/// | SERVICE (1)                     | `S`                    | S         | –               |
/// | SERVICE_INSTANCE (2)            | `I of S`               | S         | –               |
/// | ENDPOINT (3)                    | `E in S`               | S         | –               |
/// | SERVICE_RELATION (4)            | `A to B`               | B         | A               |
/// | SERVICE_INSTANCE_RELATION (5)   | `x of A to y of B`     | B         | A               |
/// | ENDPOINT_RELATION (6)           | `P in A to Q in B`     | B         | A               |
///
/// For a relation the route-to service is the LAST one (the destination). Separators are
/// searched from the right, because instance and endpoint names may contain spaces and words
/// such as " in " or " to " while service names do not. An unknown or absent scope falls back
/// to "the text after the last ` to `, ` of ` or ` in `", which gives the same answer for
/// all six forms.
public struct SkyWalkingName: Sendable, Equatable {
    /// The service to route on (the destination for relations).
    public var service: String
    /// The instance or endpoint part of the destination, when the scope has one.
    public var entity: String?
    /// The source service of a relation.
    public var sourceService: String?

    public init(service: String, entity: String? = nil, sourceService: String? = nil) {
        self.service = service
        self.entity = entity
        self.sourceService = sourceService
    }

    /// The scopes whose name grammar is known.
    public enum Scope: Int, Sendable, CaseIterable {
        case service = 1, serviceInstance, endpoint, serviceRelation, serviceInstanceRelation, endpointRelation

        /// From the `scope` string ("SERVICE_RELATION"), else the numeric `scopeId`.
        public init?(scope: String?, scopeID: Int?) {
            switch scope?.uppercased() {
            case "SERVICE": self = .service
            case "SERVICE_INSTANCE": self = .serviceInstance
            case "ENDPOINT": self = .endpoint
            case "SERVICE_RELATION": self = .serviceRelation
            case "SERVICE_INSTANCE_RELATION": self = .serviceInstanceRelation
            case "ENDPOINT_RELATION": self = .endpointRelation
            default:
                guard let id = scopeID, let s = Scope(rawValue: id) else { return nil }
                self = s
            }
        }

        /// The separator between entity and service on one side (`nil` for a plain service).
        var sideSeparator: String? {
            switch self {
            case .service, .serviceRelation: nil
            case .serviceInstance, .serviceInstanceRelation: " of "
            case .endpoint, .endpointRelation: " in "
            }
        }

        var isRelation: Bool { rawValue >= 4 }
    }

    /// Parses `name` for `scope`; never fails (an unexpected shape routes on the whole name,
    /// or on the generic rule when the scope is unknown).
    public static func parse(_ name: String, scope: Scope?) -> SkyWalkingName {
        let trimmed = name.trimmingWhitespace()
        guard let scope else { return generic(trimmed) }
        if !scope.isRelation { return side(trimmed, separator: scope.sideSeparator) }
        // Relation: choose the " to " that splits the name into two well-formed sides,
        // preferring the leftmost (the destination may contain " to ", the source service not).
        for r in ranges(of: " to ", in: trimmed) {
            let left = String(trimmed[..<r.lowerBound]), right = String(trimmed[r.upperBound...])
            if let sep = scope.sideSeparator, !(left.contains(sep) && right.contains(sep)) { continue }
            let dest = side(right, separator: scope.sideSeparator)
            let src = side(left, separator: scope.sideSeparator)
            return SkyWalkingName(service: dest.service, entity: dest.entity, sourceService: src.service)
        }
        return generic(trimmed)
    }

    /// One side: `S`, or `X<sep>S` split at the last separator.
    private static func side(_ text: String, separator: String?) -> SkyWalkingName {
        guard let separator, let r = text.range(of: separator, options: .backwards) else {
            return SkyWalkingName(service: text)
        }
        return SkyWalkingName(service: String(text[r.upperBound...]), entity: String(text[..<r.lowerBound]))
    }

    private static func generic(_ text: String) -> SkyWalkingName {
        var best: Range<String.Index>?
        for sep in [" to ", " of ", " in "] {
            if let r = text.range(of: sep, options: .backwards), best.map({ r.lowerBound > $0.lowerBound }) ?? true { best = r }
        }
        guard let best else { return SkyWalkingName(service: text) }
        return SkyWalkingName(service: String(text[best.upperBound...]))
    }

    private static func ranges(of needle: String, in text: String) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        var from = text.startIndex
        while let r = text.range(of: needle, range: from..<text.endIndex) {
            out.append(r)
            from = r.upperBound
        }
        return out
    }
}
