// swift-tools-version: 6.1
// libFuzzer targets for guestfw's readers of untrusted bytes (`make fuzz`, and 20 s each in
// `make test`). A package of its own because a fuzz target has no `main` (libFuzzer supplies it):
// inside the main package these executables would break its plain `swift build` and
// `swift build --build-tests`. It depends on the main package by path and builds into its own
// Fuzz/.build, so the sanitizer flags never touch the main build's products.
import PackageDescription

let package = Package(
    name: "guestfw-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "guestfw", path: "..")],
    targets: [
        .executableTarget(name: "FuzzTOML", dependencies: [.product(name: "VMConfig", package: "guestfw")]),
        .executableTarget(name: "FuzzJSON", dependencies: [.product(name: "VMConfig", package: "guestfw")]),
        .executableTarget(
            name: "FuzzDescription",
            dependencies: [.product(name: "VMConfig", package: "guestfw"), .product(name: "Layout", package: "guestfw")]),
        .executableTarget(name: "FuzzTables", dependencies: [.product(name: "ACPI", package: "guestfw")]),
        .executableTarget(name: "FuzzELF", dependencies: [.product(name: "FirmwareImage", package: "guestfw")]),
        .executableTarget(name: "FuzzSysfs", dependencies: [.product(name: "VMConfig", package: "guestfw")]),
    ]
)
