import VMConfig

/// What suites that hold the decoder to exact messages share: a description decoded, or every
/// message it is refused with.
protocol DescriptionDecoding {}

extension DescriptionDecoding {
    func load(_ text: String, file: String = "vm.toml") throws -> MachineConfig {
        try ConfigLoader.load(text: text, file: file)
    }

    /// Every message of a description that must be refused.
    func errors(_ text: String, file: String = "vm.toml") -> [String] {
        do {
            _ = try ConfigLoader.load(text: text, file: file)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }
}
