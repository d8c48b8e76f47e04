@testable import GuestfwCLI
import Layout
import Testing
import VMConfig

/// An image is written only for a plan the firmware can apply as it stands: hazards (hvmloader's
/// own choices kept in a plan) refuse it, each named.
@Suite("image refusal")
struct ImageRefusalTests {
    @Test func aPlanWithoutHazardsGetsItsImage() throws {
        let plan = try Planner.plan(DefaultVM.config())
        #expect(plan.hazards.isEmpty)
        #expect(BuildOutputs.imageRefusal(plan) == nil)
    }

    @Test func everyHazardIsNamed() throws {
        var plan = try Planner.plan(DefaultVM.config())
        plan.hazards = [Hazard(kind: .ecamMisaligned, ids: ["ecam"], detail: "the ECAM at 0xe8000000"),
                        Hazard(kind: .sharedPage, ids: ["a", "b"], detail: "a and b share 0xf4001000")]
        let refusal = try #require(BuildOutputs.imageRefusal(plan))
        #expect(refusal.contains("2 hazard(s)"))
        #expect(refusal.contains("ecam-misaligned (the ECAM at 0xe8000000)"))
        #expect(refusal.contains("shared-page (a and b share 0xf4001000)"))
    }
}
