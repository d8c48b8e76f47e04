import Foundation
import Layout
import VMConfig

/// The edge where a description file becomes a `MachineConfig`, and a plan failure becomes a
/// message naming the file.
enum ConfigInput {
    static func load(_ path: String?, policy: PlacementPolicy?) throws(CommandError) -> MachineConfig {
        guard let path else { return DefaultVM.config(policyOverride: policy) }
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw CommandError.badInput("\(path): not UTF-8 text; accepted: a TOML or JSON VM description")
            }
            text = decoded
        } catch let error as CommandError {
            throw error
        } catch {
            throw .badInput("\(path): cannot read the file (\(readableReason(error))); accepted: a readable TOML or JSON VM description")
        }
        do {
            return try ConfigLoader.load(text: text, file: path, policyOverride: policy)
        } catch {
            throw .badInput(error.description)
        }
    }

    static func plan(_ config: MachineConfig, file: String?) throws(CommandError) -> Plan {
        do {
            return try Planner.plan(config)
        } catch {
            let source = file ?? DefaultVM.fileName
            if error.isInputError { throw .badInput("\(source): \(error)") }
            throw .negative("\(source): no layout exists under the \(config.ecam.policy.rawValue) policy: \(error)")
        }
    }

    static func readableReason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}
