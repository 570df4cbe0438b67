// klaxonctl: the operator's tool (config check, normalize, dead-letter queues). See Ctl.usage.
import Ctl
import Foundation

exit(Ctl.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment, io: .standard))
