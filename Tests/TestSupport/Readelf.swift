import Foundation
import Layout

/// What `readelf -W` says about an ELF file: the expectations of these tests come from here, not
/// from FirmwareImage's own reader.
public struct Readelf {
    public struct ProgramHeader: Hashable, CustomStringConvertible {
        public var type: String
        public var offset: UInt64
        public var virtualAddress: UInt64
        public var physicalAddress: UInt64
        public var fileSize: UInt64
        public var memorySize: UInt64
        public var flags: String
        public var align: UInt64
        public var description: String {
            "\(type) off \(hex(offset)) v \(hex(virtualAddress)) p \(hex(physicalAddress)) file \(hex(fileSize)) mem \(hex(memorySize)) \(flags) \(hex(align))"
        }
    }

    public struct Section: Hashable {
        public var name: String
        public var type: String
        public var address: UInt64
        public var offset: UInt64
        public var size: UInt64
        public var flags: String
    }

    public var programHeaders: [ProgramHeader]
    public var sections: [Section]
    /// `readelf -s` verbatim: it names no file, so equal tables print equal text.
    public var symbolTable: String
    /// Whatever readelf warned about; a well-formed file gives none.
    public var warnings: String

    public init(file path: String) throws {
        let headers = try ProcessRunner.runChecked("readelf", ["-W", "-l", "-S", path])
        let symbols = try ProcessRunner.runChecked("readelf", ["-W", "-s", path])
        programHeaders = Readelf.programHeaders(headers.stdout)
        sections = Readelf.sections(headers.stdout)
        symbolTable = symbols.stdout
        warnings = headers.stderr + symbols.stderr
    }

    public var loads: [ProgramHeader] { programHeaders.filter { $0.type == "LOAD" } }

    public func section(_ name: String) -> Section? { sections.first { $0.name == name } }

    /// The value of symbol `name` from `readelf -s` (columns: Num: Value Size Type Bind Vis Ndx Name).
    public func symbol(_ name: String) -> (value: UInt64, size: UInt64)? {
        for line in symbolTable.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if fields.count == 8, fields[7] == name, let value = UInt64(fields[1], radix: 16), let size = UInt64(fields[2]) {
                return (value, size)
            }
        }
        return nil
    }

    /// `  LOAD  0x001000 0xffff0000 0xffff0000 0x00ae8 0x00ae8 R E 0x1000`: the flags may hold spaces.
    public static func programHeaders(_ text: String) -> [ProgramHeader] {
        let body = text.components(separatedBy: "Program Headers:").dropFirst().first ?? ""
        return body.split(separator: "\n").dropFirst().prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .compactMap { line in
                let f = line.split(whereSeparator: \.isWhitespace).map(String.init)
                guard f.count >= 8, let numbers = Optional(f[1...5].compactMap(number)), numbers.count == 5,
                      let align = number(f[f.count - 1]) else { return nil }
                return ProgramHeader(type: f[0], offset: numbers[0], virtualAddress: numbers[1], physicalAddress: numbers[2],
                                     fileSize: numbers[3], memorySize: numbers[4],
                                     flags: f[6..<(f.count - 1)].joined(separator: " "), align: align)
            }
    }

    /// `  [ 1] .text  PROGBITS  ffff0000 001000 000962 00  AX  0   0  1`: Flg may be empty.
    public static func sections(_ text: String) -> [Section] {
        text.split(separator: "\n").compactMap { line in
            guard let close = line.firstIndex(of: "]"), line.trimmingCharacters(in: .whitespaces).hasPrefix("["),
                  !line.contains("[Nr]") else { return nil }
            let f = line[line.index(after: close)...].split(whereSeparator: \.isWhitespace).map(String.init)
            guard f.count == 9 || f.count == 10, let address = UInt64(f[2], radix: 16), let offset = UInt64(f[3], radix: 16),
                  let size = UInt64(f[4], radix: 16) else { return nil }
            return Section(name: f[0], type: f[1], address: address, offset: offset, size: size,
                           flags: f.count == 10 ? f[6] : "")
        }
    }

    private static func number(_ text: String) -> UInt64? {
        text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : nil
    }
}
