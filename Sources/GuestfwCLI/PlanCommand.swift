import ArgumentParser
import Layout
import VMConfig

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Print the decided layout: memory map, ECAM, windows, every BAR.")

    @Argument(help: "The VM description (TOML, or JSON with a .json name); the built-in default VM when omitted.")
    var config: String?

    @Flag(name: .long, help: "Print plan.json instead of the table.")
    var json = false

    @OptionGroup var policyOption: PolicyOption

    func run() throws {
        let machine = try ConfigInput.load(config, policy: policyOption.policy)
        let plan = try ConfigInput.plan(machine, file: config)
        print(json ? plan.json.rendered() : PlanReport.render(plan))
    }
}
