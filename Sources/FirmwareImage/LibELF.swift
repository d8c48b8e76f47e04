import CLibELF

/// What every libelf use needs: the library's version handshake and its error messages.
enum LibELF {
    /// libelf refuses every descriptor until told which ELF version the caller speaks.
    static func start() throws {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else {
            throw FirmwareImageError.libelf(operation: "elf_version", message: lastError())
        }
    }

    static func lastError() -> String {
        elf_errmsg(-1).map { String(cString: $0) } ?? "unknown error"
    }

    static func failure(_ operation: String) -> FirmwareImageError {
        .libelf(operation: operation, message: lastError())
    }

    /// libelf reports failure as a negative count or a null pointer; both become the same error.
    static func check(_ result: Int32, _ operation: String) throws {
        if result < 0 { throw failure(operation) }
    }

    static func check<T>(_ result: T?, _ operation: String) throws -> T {
        guard let result else { throw failure(operation) }
        return result
    }
}
