import VMConfig

/// out/xl.cfg for a vmm = "xen" plan: the lines of `ToolstackSettings.xl`, each with its
/// comment, then what xl.cfg cannot express as comments. Plan and description in, text out.
public struct XLConfig: Sendable {
    public var settings: ToolstackSettings
    public var plan: Plan

    public init(plan: Plan, config: MachineConfig) {
        self.plan = plan
        settings = ToolstackSettings(plan: plan, config: config)
    }

    public var text: String {
        var lines = [
            "# xl.cfg for \"\(plan.name)\", written by guestfw from its \(plan.policy.rawValue) plan.",
            "# Needs libxl with the Q35 series (device_model_machine).",
        ]
        if !settings.holeIsFixed {
            lines.append("# No mmio_hole: hvmloader sizes the hole at boot (from 256 MiB); this plan's starts at \(hex(plan.memory.hole.start)).")
        }
        for setting in settings.xl {
            if let comment = setting.comment { lines.append("# " + comment) }
            lines.append(setting.key + " = " + Self.render(setting.value))
        }
        if !settings.xlUnexpressed.isEmpty {
            lines.append("# Not expressible in xl.cfg:")
            lines += settings.xlUnexpressed.map { "#   " + $0 }
        }
        if !settings.notes.isEmpty {
            lines.append("# Notes:")
            lines += settings.notes.map { "#   " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ value: XLSetting.Value) -> String {
        switch value {
        case .int(let number): String(number)
        case .string(let text): quote(text)
        case .list(let items): "[ " + items.map(quote).joined(separator: ", ") + " ]"
        }
    }

    /// xl.cfg strings are double-quoted; the values here never hold a quote or a backslash
    /// (names and BDFs are validated), but escape them anyway.
    static func quote(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}
