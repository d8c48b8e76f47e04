import Foundation

/// Writes a set of files as one directory that appears whole or not at all: everything goes to a
/// temporary sibling first and is renamed into place. An existing directory is replaced only when
/// guestfw made it (its marker file is there) or it is empty, so a mistyped `-o` never deletes
/// a user's files.
struct OutputDirectory {
    static let marker = ".guestfw"

    let url: URL

    init(path: String) { url = URL(fileURLWithPath: path).standardizedFileURL }

    func write(_ files: [(path: String, bytes: [UInt8])]) throws(CommandError) {
        try checkReplaceable()
        let manager = FileManager.default
        let parent = url.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).guestfw-new-\(getpid())")
        let retired = parent.appendingPathComponent(".\(url.lastPathComponent).guestfw-old-\(getpid())")
        do {
            try? manager.removeItem(at: staging)
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in files + [(path: OutputDirectory.marker, bytes: Array("written by guestfw; `guestfw build` may replace this directory\n".utf8))] {
                let target = staging.appendingPathComponent(file.path)
                try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try createFile(target.path, file.bytes)
            }
            if manager.fileExists(atPath: url.path) {
                try manager.moveItem(at: url, to: retired)
                try manager.moveItem(at: staging, to: url)
                try manager.removeItem(at: retired)
            } else {
                try manager.moveItem(at: staging, to: url)
            }
        } catch {
            try? manager.removeItem(at: staging)
            if manager.fileExists(atPath: retired.path) && !manager.fileExists(atPath: url.path) {
                try? manager.moveItem(at: retired, to: url)
            }
            throw .badInput("\(url.path): cannot write the output directory (\(ConfigInput.readableReason(error)))")
        }
    }

    private func checkReplaceable() throws(CommandError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw .badInput("\(url.path): exists and is not a directory; accepted: a new path, an empty directory, or a directory guestfw wrote")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        guard contents.isEmpty || contents.contains(OutputDirectory.marker) else {
            throw .badInput("\(url.path): refusing to replace a directory guestfw did not write (no \(OutputDirectory.marker) marker, \(contents.count) entries); accepted: a new path, an empty directory, or a directory guestfw wrote")
        }
    }
}

/// A new file with `bytes`, without the fsync Foundation's `Data.write` does for each file:
/// those waits on a busy disk were most of `build`'s wall time (about 30 files with iasl's
/// scratch copies); an output directory appears by rename, whole or not at all, either way.
func createFile(_ path: String, _ bytes: [UInt8]) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        written += count
    }
}
