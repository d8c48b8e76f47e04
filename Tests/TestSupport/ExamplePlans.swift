import Foundation
import Layout
import VMConfig

extension Repository {
    /// An example's description, decoded and planned in process: for the suites that test the
    /// libraries themselves (the boot and CLI suites read what the binary wrote instead).
    public static func plannedExample(_ name: String) throws -> Plan {
        let file = exampleConfig(name)
        return try Planner.plan(ConfigLoader.load(text: String(contentsOf: file, encoding: .utf8), file: file.path))
    }
}
