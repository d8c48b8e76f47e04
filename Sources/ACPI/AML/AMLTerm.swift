/// One encoded piece of AML: a name, a data object, a named object or an operator.
///
/// Nodes are plain values that encode their children first and then put the opcode and the
/// PkgLength in front, so a node's bytes never depend on where it ends up in the table: there is
/// no cursor and nothing is patched afterwards.
public protocol AMLTerm: Sendable {
    /// The encoded bytes of this term.
    var aml: [UInt8] { get }
}

/// The namespace of the AML nodes (`AML.Scope`, `AML.Integer`, ...): the names follow the ASL
/// operators they encode, so a reader can hold the Swift next to the ASL it stands for.
public enum AML {}

extension AML {
    /// Opcode, then the PkgLength of everything after it, then the body: the shape of every AML
    /// object whose end is not implied by its opcode (ACPI 6.5, 20.2.4).
    static func lengthPrefixed(_ opcode: [UInt8], _ body: [UInt8]) -> [UInt8] {
        opcode + PkgLength.encode(body.count) + body
    }

    /// The terms one after another, as a TermList or a PackageElementList.
    static func concatenated(_ terms: [any AMLTerm]) -> [UInt8] {
        terms.flatMap(\.aml)
    }
}
