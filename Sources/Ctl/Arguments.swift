/// A small command-line parser: positional arguments, `--name value` / `--name=value` options
/// (repeatable), and `--flag`s. `-` is a positional argument (standard input); `--` ends options.
struct Arguments {
    var positional: [String] = []
    private var options: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// `valued` and `flags` list the accepted names without the dashes; anything else is a
    /// usage error naming it.
    static func parse(_ arguments: [String], valued: Set<String>, flags allowed: Set<String>) throws(CtlError) -> Arguments {
        var a = Arguments()
        var i = 0
        var onlyPositional = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositional || !arg.hasPrefix("--") || arg == "-" {
                if !onlyPositional && arg.hasPrefix("-") && arg != "-" {
                    throw .usage("unknown option \(arg)")
                }
                a.positional.append(arg)
                continue
            }
            if arg == "--" { onlyPositional = true; continue }
            var name = String(arg.dropFirst(2))
            var value: String? = nil
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if allowed.contains(name) {
                if value != nil { throw .usage("--\(name) takes no value") }
                a.flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard i < arguments.count else { throw .usage("--\(name) needs a value") }
                    value = arguments[i]
                    i += 1
                }
                a.options[name, default: []].append(value!)
            } else {
                throw .usage("unknown option --\(name)")
            }
        }
        return a
    }

    /// The last value given for an option.
    func value(_ name: String) -> String? { options[name]?.last }
    /// Every value given for a repeatable option, in order.
    func values(_ name: String) -> [String] { options[name] ?? [] }
    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// A whole number option of at least `min`.
    func int(_ name: String, min: Int) throws(CtlError) -> Int? {
        guard let s = value(name) else { return nil }
        guard let n = Int(s), n >= min else { throw .usage("--\(name): expected a whole number of at least \(min), got \"\(s)\"") }
        return n
    }
}
