import Foundation

/// Where the tests find the repository's own files: the examples under Tables/, the fixtures,
/// and the products `swift build` put beside the test runner.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var tables: URL { root.appendingPathComponent("Tables") }

    /// Every folder of Tables/ with a vm.toml, sorted.
    public static let exampleNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tables.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: exampleConfig($0).path) }.sorted()
    }()

    public static func example(_ name: String) -> URL { tables.appendingPathComponent(name) }

    public static func exampleConfig(_ name: String) -> URL { example(name).appendingPathComponent("vm.toml") }

    /// The text of an example's vm.toml.
    public static func exampleText(_ name: String) throws -> String {
        try String(contentsOf: exampleConfig(name), encoding: .utf8)
    }

    /// An example's golden plan.json, read through the published contract.
    public static func examplePlan(_ name: String) throws -> PlanFile {
        try PlanFile.read(example(name).appendingPathComponent("plan.json"))
    }

    /// The sysfs snapshot captured from a Linux guest under QEMU q35 by scripts/capture-sysfs.sh.
    public static var sysfsCapture: URL { root.appendingPathComponent("Tests/VMConfigTests/Fixtures/sysfs/q35") }

    /// QEMU 7.2's own q35 tables, in the shared folder beside the repository (as CI lays it out).
    public static var qemuReferenceTables: URL {
        root.deletingLastPathComponent().appendingPathComponent("shared/reference/qemu-q35-seabios")
    }

    /// A built product (`guestfw`, `guestfw-boot-report`): the test runner sits next to the
    /// products it was built with.
    public static func product(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name)
    }

    /// A fresh directory under the system's temporary directory; the caller removes it.
    public static func scratchDirectory(_ prefix: String = "guestfw-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
