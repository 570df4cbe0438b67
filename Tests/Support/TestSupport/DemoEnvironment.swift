import Foundation

/// The local fleet's secrets, from deploy/local/demo.env (the file scripts/run-local.sh sources).
public func demoEnvironment(repoRoot: URL = TestEnvironment.root) -> [String: String] {
    let text = (try? String(contentsOf: repoRoot.appendingPathComponent("deploy/local/demo.env"), encoding: .utf8)) ?? ""
    var env: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let eq = line.firstIndex(of: "=") else { continue }
        env[String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    return env
}
