import Layout
import VMConfig

/// `\_SB.RES0` (PNP0C02): resources the motherboard keeps for itself and no PCI device may take:
/// the ECAM window (Linux accepts MMCONFIG only when it is reserved here or in E820) and the ICH9
/// PM I/O block the FADT points into.
enum Motherboard {
    static func resources(_ plan: Plan) -> AML.Device {
        var descriptors: [any AMLResource] = []
        if let ecam = plan.ecam {
            if ecam.range.limit <= FixedRanges.fourGiB {
                descriptors.append(AML.Memory32Fixed(base: UInt32(ecam.base), length: UInt32(ecam.size), readWrite: true))
            } else {
                descriptors.append(AML.QWordMemory(min: ecam.base, max: ecam.range.end))
            }
        }
        let pmBase = plan.chipset.pmBase
        descriptors.append(AML.IO(min: pmBase, max: pmBase, alignment: 1, length: UInt8(ICH9PM.blockLength)))
        return AML.Device("RES0", [
            AML.Name("_HID", AML.EISAID("PNP0C02")),
            AML.Name("_UID", AML.Integer(0)),
            AML.Name("_CRS", AML.ResourceTemplate(descriptors)),
        ])
    }
}

/// One processor device per vCPU (ACPI0007), matching the MADT's local APIC entries by `_UID`.
enum Processors {
    static func devices(_ plan: Plan) -> [any AMLTerm] {
        (0..<plan.vcpus).map { index in
            let digits = String(index, radix: 16, uppercase: true)
            return AML.Device("C" + String(repeating: "0", count: 3 - digits.count) + digits, [
                AML.Name("_HID", AML.StringLiteral("ACPI0007")),
                AML.Name("_UID", AML.Integer(UInt64(index))),
            ])
        }
    }
}

/// `\_S5`: soft-off. ICH9's SLP_TYP for S5 is 0 (what QEMU's own DSDT uses).
enum SleepStates {
    static let s5 = AML.Name("_S5", AML.Package([AML.Integer(0), AML.Integer(0), AML.Integer(0), AML.Integer(0)]))
}
