import Foundation

/// Work started on a thread of its own and awaited later: `build` runs iasl while it makes the
/// firmware image and the drawing, instead of after them (two cores: the wait then costs little).
final class BackgroundTask<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before it signals, read only after the wait.
    private var result: Result<Value, CommandError>?

    init(_ work: @escaping @Sendable () throws(CommandError) -> Value) {
        let thread = Thread { [self] in
            do throws(CommandError) { result = .success(try work()) } catch { result = .failure(error) }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the work (any number of times) and returns what it gave or threw.
    func value() throws(CommandError) -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
