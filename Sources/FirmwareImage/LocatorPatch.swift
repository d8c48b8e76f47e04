import CLibELF

/// Pointing the boot code's `guestfw_handoff_locator` at the block: the 8 bytes are rewritten in
/// the section that holds them, so the symbol and its section stay exactly where they were.
extension ELFFile {
    mutating func setLocator(_ locator: HandoffLocator) throws {
        let (section, offset) = try locatorPlace()
        sections[section].bytes.withUnsafeMutableBytes { bytes in
            locator.write(HandoffCursor(bytes.baseAddress! + offset))
        }
    }

    /// The index of the section holding the locator, and the locator's offset in it.
    func locatorPlace() throws -> (section: Int, offset: Int) {
        let name = HandoffFormat.locatorSymbol.description
        guard let symbol = symbols.first(where: { $0.name == name }) else { throw FirmwareImageError.missingLocator }
        guard symbol.size == UInt64(HandoffLocator.size) else {
            throw FirmwareImageError.malformedLocator(problem: "is \(symbol.size) bytes, not \(HandoffLocator.size)")
        }
        guard symbol.sectionIndex > 0, symbol.sectionIndex < sections.count,
              sections[symbol.sectionIndex].occupiesFile else {
            throw FirmwareImageError.malformedLocator(problem: "is not in a section with contents in the file")
        }
        let header = sections[symbol.sectionIndex].header
        guard symbol.value >= header.sh_addr, symbol.value + symbol.size <= header.sh_addr + header.sh_size else {
            throw FirmwareImageError.malformedLocator(problem: "lies outside its section \(sections[symbol.sectionIndex].name)")
        }
        return (symbol.sectionIndex, Int(symbol.value - header.sh_addr))
    }
}
