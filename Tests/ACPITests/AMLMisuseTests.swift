import ACPI
import Testing

/// Inputs that have no AML encoding stop the program instead of producing a wrong table: the
/// nodes are built by code from a validated plan, so reaching one of these is a bug to fix there.
@Suite("AML misuse stops")
struct AMLMisuseTests {
    @Test func nameSegmentLongerThanFourCharacters() async {
        await #expect(processExitsWith: .failure) { _ = AML.Path("\\_SB.PCI00") }
    }

    @Test func nameSegmentInLowerCase() async {
        await #expect(processExitsWith: .failure) { _ = AML.Device("pci0", []) }
    }

    @Test func emptySegment() async {
        await #expect(processExitsWith: .failure) { _ = AML.Path("\\_SB..PCI0") }
    }

    @Test func addressAbove32BitsInADWordDescriptor() async {
        await #expect(processExitsWith: .failure) { _ = AML.DWordMemory(min: 0x1_0000_0000, max: 0x1_FFFF_FFFF) }
    }

    @Test func isaIRQAbove15() async {
        await #expect(processExitsWith: .failure) { _ = AML.IRQNoFlags([16]) }
    }

    @Test func eighthArgument() async {
        await #expect(processExitsWith: .failure) { _ = AML.Arg(7) }
    }

    @Test func malformedUUID() async {
        await #expect(processExitsWith: .failure) { _ = AML.ToUUID("33db4d5b-1ff7-401c-9657") }
    }
}
