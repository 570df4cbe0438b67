import AMQP
import AlertCore
import Dispatch
import Foundation
import YAMLConfig

/// Start-up and shutdown shared by the executables' `main.swift`. Only mains call this: it
/// exits the process on bad options or config, and installs signal handlers.
public enum ProcessMain {
    /// Parses options and loads the config, or prints every problem and exits
    /// (2: bad command line, 1: bad config).
    public static func bootstrap(process: String, allowed: Set<String> = []) -> (ProcessOptions, KlaxonConfig, Logger) {
        let env = ProcessInfo.processInfo.environment
        let options: ProcessOptions
        do {
            options = try ProcessOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: env, allowed: allowed)
        } catch {
            FileHandle.standardError.write(
                Data(
                    "\(process): \(error)\nusage: \(process) --config PATH [--health-listen HOST:PORT]\(allowed.sorted().map { " [--\($0) VALUE]" }.joined())\n"
                        .utf8))
            exit(2)
        }
        let level = Logger.Level(rawValue: env["KLAXON_LOG_LEVEL"] ?? "info") ?? .info
        let logger = Logger(process: process, minimum: level)
        do {
            let config = try ConfigLoader.load(path: options.configPath, environment: env)
            return (options, config, logger)
        } catch {
            for issue in error.issues { logger.error("invalid config", ["path": issue.path, "problem": issue.message, "file": options.configPath]) }
            FileHandle.standardError.write(Data("\(process): invalid config \(options.configPath):\n\(error.description)\n".utf8))
            exit(1)
        }
    }

    /// Calls `stop` once on SIGTERM or SIGINT; a second signal exits at once.
    public static func onTerminate(_ stop: @escaping @Sendable () -> Void) {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            nonisolated(unsafe) var fired = false
            source.setEventHandler {
                if fired { exit(1) }
                fired = true
                stop()
            }
            source.resume()
            sources.append(source)
        }
    }
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Runs a process's services until SIGTERM (or until one of them ends), then exits: 0 when
    /// every service stopped cleanly, 1 when one failed or the group could not be built.
    ///
    /// `make` is `@Sendable` for the same reason as `runWorker`'s: written at the top level of
    /// `main.swift` it would otherwise be main-actor isolated and trap off the main thread.
    public static func run(logger: Logger, _ make: @Sendable () throws -> ServiceGroup) async -> Never {
        let group: ServiceGroup
        do { group = try make() } catch {
            logger.error("cannot start", ["error": "\(error)"])
            exit(1)
        }
        onTerminate { group.shutdown() }
        do {
            try await group.run()
            logger.info("stopped")
            exit(0)
        } catch {
            logger.error("stopped after a failure", ["error": "\(error)"])
            exit(1)
        }
    }

    /// Runs a worker until SIGTERM, then exits 0 once in-flight work is settled.
    ///
    /// `make` is `@Sendable` on purpose: a closure written at the top level of `main.swift` is
    /// otherwise main-actor isolated, and closures nested in it trap when they run here, off the
    /// main thread.
    public static func runWorker(
        process: String, allowed: Set<String> = [],
        make: @Sendable (ProcessOptions, KlaxonConfig, Publisher, Logger, Metrics) throws -> WorkerDefinition
    ) async -> Never {
        let (options, config, logger) = bootstrap(process: process, allowed: allowed)
        let metrics = Metrics()
        // The worker's own publisher doubles as the host's: one broker connection for output.
        await run(logger: logger) {
            try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: options.healthListen) { publisher in
                try make(options, config, publisher, logger, metrics)
            }.group
        }
    }
}
