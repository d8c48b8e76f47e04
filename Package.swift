// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "guestfw",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "guestfw", targets: ["guestfw"]),
        .library(name: "VMConfig", targets: ["VMConfig"]),
        .library(name: "Layout", targets: ["Layout"]),
        .library(name: "ACPI", targets: ["ACPI"]),
        .library(name: "FirmwareImage", targets: ["FirmwareImage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(name: "VMConfig"),
        .target(name: "Layout", dependencies: ["VMConfig"]),
        .target(name: "ACPI", dependencies: ["VMConfig", "Layout"]),
        // libelf (Debian libelf-dev) for reading and writing the firmware ELF.
        .systemLibrary(name: "CLibELF", path: "Sources/CLibELF"),
        .target(name: "FirmwareImage", dependencies: ["CLibELF", "Layout", "ACPI"]),
        .target(
            name: "GuestfwCLI",
            dependencies: [
                "VMConfig", "Layout", "ACPI", "FirmwareImage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "guestfw", dependencies: ["GuestfwCLI"]),
        .executableTarget(name: "guestfw-boot-report", path: "Sources/BootReport"),
        // The generated VM descriptions that `make bench` and the hole-density test share.
        .target(name: "VMCorpus", dependencies: ["Layout"]),
        .executableTarget(name: "guestfw-bench", dependencies: ["VMConfig", "Layout", "VMCorpus"], path: "Sources/Bench"),
        // What several test targets need: the process runner, the examples, the plan.json reader,
        // ACPICA and QEMU runs.
        .target(name: "TestSupport", dependencies: ["VMConfig", "Layout"], path: "Tests/TestSupport"),
        .testTarget(
            name: "VMConfigTests",
            dependencies: ["VMConfig", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LayoutTests",
            dependencies: [
                "VMConfig", "Layout", "ACPI", "TestSupport", "VMCorpus",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "ACPITests",
            dependencies: [
                "ACPI", "VMConfig", "Layout", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "FirmwareImageTests",
            dependencies: ["FirmwareImage", "ACPI", "Layout", "VMConfig", "TestSupport"]),
        .testTarget(
            name: "GuestfwCLITests",
            dependencies: ["GuestfwCLI", "Layout", "VMConfig", "TestSupport", "VMCorpus", "guestfw", "guestfw-boot-report"]),
        // Boots the built guestfw's output under QEMU; reads plan.json as published, through
        // TestSupport, not through the planner's types.
        .testTarget(
            name: "BootTests",
            dependencies: ["guestfw", "TestSupport"]),
    ]
)
