import Layout
import VMConfig

/// The ICH9 LPC bridge at 00:1f.0 and the legacy devices behind it that a guest probes through
/// ACPI: the RTC, the HPET, COM1 and the PS/2 keyboard.
enum LPC {
    static func device(_ plan: Plan) -> AML.Device {
        AML.Device("ISA", [
            AML.Name("_ADR", pciAddress(device: 0x1f, function: 0)),
            legacy("RTC", hid: "PNP0B00", io: 0x70, length: 8, irq: 8),
            AML.Device("HPET", [
                AML.Name("_HID", AML.EISAID("PNP0103")),
                AML.Name("_UID", AML.Integer(0)),
                AML.Name("_CRS", AML.ResourceTemplate([
                    AML.Memory32Fixed(base: UInt32(FixedRanges.hpet), length: UInt32(FixedRanges.hpetSize), readWrite: false),
                ])),
            ]),
            legacy("COM1", hid: "PNP0501", io: 0x3F8, length: 8, irq: 4, uid: 1),
            AML.Device("KBD", [
                AML.Name("_HID", AML.EISAID("PNP0303")),
                AML.Name("_CRS", AML.ResourceTemplate([
                    AML.IO(min: 0x60, max: 0x60, alignment: 1, length: 1),
                    AML.IO(min: 0x64, max: 0x64, alignment: 1, length: 1),
                    AML.IRQNoFlags([1]),
                ])),
            ]),
        ])
    }

    static func legacy(_ name: String, hid: String, io: UInt16, length: UInt8, irq: Int, uid: UInt64? = nil) -> AML.Device {
        var terms: [any AMLTerm] = [AML.Name("_HID", AML.EISAID(hid))]
        if let uid { terms.append(AML.Name("_UID", AML.Integer(uid))) }
        terms.append(AML.Name("_CRS", AML.ResourceTemplate([
            AML.IO(min: io, max: io, alignment: 1, length: length),
            AML.IRQNoFlags([irq]),
        ])))
        return AML.Device(name, terms)
    }
}
