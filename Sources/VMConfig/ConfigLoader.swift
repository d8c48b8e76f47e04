/// Reads a description from its text: JSON for a `.json` file, TOML otherwise.
public enum ConfigLoader {
    public enum Format: Sendable { case toml, json }

    public static func format(forFile file: String) -> Format {
        file.lowercased().hasSuffix(".json") ? .json : .toml
    }

    /// The bytes of a file: UTF-8 (checked by `SourceText`), then as `load(text:)`.
    public static func load(bytes: [UInt8], file: String, format: Format? = nil,
                            policyOverride: PlacementPolicy? = nil) throws(ConfigErrors) -> MachineConfig {
        let text = try SourceText.decode(bytes, file: file)
        return try load(text: text, file: file, format: format, policyOverride: policyOverride)
    }

    public static func load(text: String, file: String, format: Format? = nil,
                            policyOverride: PlacementPolicy? = nil,
                            hostFiles: any HostFileSystem = POSIXFileSystem()) throws(ConfigErrors) -> MachineConfig {
        let document: ConfigTable
        do {
            switch format ?? self.format(forFile: file) {
            case .toml: document = try TOMLReader.read(text)
            case .json: document = try JSONReader.read(text)
            }
        } catch {
            throw ConfigErrors([ConfigError(file: file, location: error.location, field: "", value: nil,
                                            problem: error.message)])
        }
        return try ConfigDecoder.decode(document, file: file, defaultName: stem(of: file), policyOverride: policyOverride,
                                        hostFiles: hostFiles)
    }

    static func stem(of file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let name = base.split(separator: ".").first.map(String.init) ?? base
        let cleaned = String(name.map { ConfigDecoder.isNameCharacter($0) ? $0 : "-" }.prefix(64))
        return cleaned.isEmpty ? "vm" : cleaned
    }
}
