import AlertCore
import Foundation
internal import CYAML

/// Parses YAML text into a `ConfigNode` tree with libyaml's document loader.
public enum YAMLParser {
    /// Aliases can build cycles (`&x [1, *x]`); a walk deeper than this is refused.
    static let maxDepth = 64

    /// Parses one document. An empty document yields `nil`. Syntax errors name the line.
    public static func parse(_ text: String) throws(ConfigError) -> ConfigNode? {
        // yaml_parser_t holds pointers into itself: it must not move, so it lives on the heap.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let document = UnsafeMutablePointer<yaml_document_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            document.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            throw ConfigError(issues: [ConfigIssue(path: "", message: "cannot initialize the YAML parser")])
        }
        defer { yaml_parser_delete(parser) }

        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { (buf) throws(ConfigError) -> ConfigNode? in
            yaml_parser_set_input_string(parser, buf.baseAddress, buf.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            guard yaml_parser_load(parser, document) == 1 else {
                let problem = parser.pointee.problem.map { String(cString: $0) } ?? "syntax error"
                let context = parser.pointee.context.map { String(cString: $0) + " " } ?? ""
                let line = Int(parser.pointee.problem_mark.line) + 1
                throw ConfigError(issues: [ConfigIssue(path: "", message: "YAML: \(context)\(problem)", line: line)])
            }
            defer { yaml_document_delete(document) }
            guard let root = yaml_document_get_root_node(document) else { return nil }
            return try convert(root, document: document, depth: 0)
        }
    }

    private static func convert(_ node: UnsafeMutablePointer<yaml_node_t>, document: UnsafeMutablePointer<yaml_document_t>, depth: Int)
        throws(ConfigError) -> ConfigNode
    {
        let line = Int(node.pointee.start_mark.line) + 1
        guard depth < maxDepth else {
            throw ConfigError(issues: [ConfigIssue(path: "", message: "YAML nested deeper than \(maxDepth) levels (an alias cycle?)", line: line)])
        }
        switch node.pointee.type {
        case YAML_SCALAR_NODE:
            let s = node.pointee.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            // An unquoted `~`, `null` or empty scalar is YAML's null.
            let plain = s.style == YAML_PLAIN_SCALAR_STYLE
            if plain && (value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL") {
                return .null(line: line)
            }
            return .scalar(value, line: line)
        case YAML_SEQUENCE_NODE:
            var items: [ConfigNode] = []
            var p = node.pointee.data.sequence.items.start
            while let cur = p, cur != node.pointee.data.sequence.items.top {
                guard let child = yaml_document_get_node(document, cur.pointee) else { break }
                items.append(try convert(child, document: document, depth: depth + 1))
                p = cur + 1
            }
            return .sequence(items, line: line)
        case YAML_MAPPING_NODE:
            var pairs: [(key: String, value: ConfigNode)] = []
            var p = node.pointee.data.mapping.pairs.start
            while let cur = p, cur != node.pointee.data.mapping.pairs.top {
                guard let k = yaml_document_get_node(document, cur.pointee.key),
                    let v = yaml_document_get_node(document, cur.pointee.value)
                else { break }
                let keyNode = try convert(k, document: document, depth: depth + 1)
                guard case .scalar(let key, _) = keyNode else {
                    throw ConfigError(issues: [ConfigIssue(path: "", message: "mapping keys must be plain strings", line: keyNode.line)])
                }
                pairs.append((key, try convert(v, document: document, depth: depth + 1)))
                p = cur + 1
            }
            return .mapping(pairs, line: line)
        default:
            return .null(line: line)
        }
    }
}

/// Loads the config file every process reads.
public enum ConfigLoader {
    /// Reads and validates a config file; `ConfigError` lists every problem with its path.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> KlaxonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(issues: [ConfigIssue(path: "", message: "cannot read config file \(path)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(issues: [ConfigIssue(path: "", message: "config file \(path) is not valid UTF-8")])
        }
        return try parse(text, environment: environment)
    }

    public static func parse(_ text: String, environment: [String: String]) throws(ConfigError) -> KlaxonConfig {
        try KlaxonConfig.read(try YAMLParser.parse(text), environment: environment)
    }
}
