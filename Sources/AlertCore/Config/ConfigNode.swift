/// A parsed YAML document, independent of the parser: scalars stay untyped strings (YAML 1.1
/// typing is decided by the reader, per field), mappings keep their order and line numbers.
public indirect enum ConfigNode: Sendable, Equatable {
    case scalar(String, line: Int)
    case null(line: Int)
    case sequence([ConfigNode], line: Int)
    case mapping([(key: String, value: ConfigNode)], line: Int)

    public var line: Int {
        switch self {
        case .scalar(_, let l), .null(let l), .sequence(_, let l), .mapping(_, let l): l
        }
    }

    public var kindName: String {
        switch self {
        case .scalar: "a scalar"
        case .null: "null"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    public static func == (a: ConfigNode, b: ConfigNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x, _), .scalar(let y, _)): x == y
        case (.null, .null): true
        case (.sequence(let x, _), .sequence(let y, _)): x == y
        case (.mapping(let x, _), .mapping(let y, _)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}
