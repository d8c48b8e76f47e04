/// Checks that span entries: unique ids, buses that exist, addresses used once, enough bus 0
/// addresses and bus numbers.
enum TopologyRules {
    /// `guestDevices` are the bus 0 devices the VMM adds itself (`XenGuest.devices`): their ids
    /// and slots are not the user's to take.
    static func check(ports: [Located<RootPort>], devices: [Located<Device>], ecam: ECAMConfig,
                      guestDevices: [Device] = [], diagnostics: Diagnostics) {
        checkUniqueIDs(ports.map { ($0.value.id, $0.reader) } + devices.map { ($0.value.id, $0.reader) },
                       guestDevices: guestDevices, diagnostics)
        checkBuses(devices, ports: ports, diagnostics)
        checkAddresses(ports: ports, devices: devices, guestDevices: guestDevices, diagnostics)
        checkCapacity(ports: ports, devices: devices, ecam: ecam, guestDevices: guestDevices, diagnostics)
    }

    static func checkUniqueIDs(_ ids: [(String, FieldReader)], guestDevices: [Device] = [], _ diagnostics: Diagnostics) {
        var seen: [String: FieldReader] = [:]
        let chipset = ChipsetFunctions.all.map(\.id)
        for (id, reader) in ids {
            if chipset.contains(id) {
                diagnostics.report(reader.field("id"), reader.node("id"),
                                   problem: "is the id of an ICH9 function QEMU always creates (the plan lists it by that id)",
                                   accepted: "an id other than " + chipset.joined(separator: ", "))
            } else if let guest = guestDevices.first(where: { $0.id == id }) {
                diagnostics.report(reader.field("id"), reader.node("id"),
                                   problem: "is the id of \(XenGuest.holder(guest)), which libxl adds to every such Xen guest (the plan lists it by that id)",
                                   accepted: "an id other than " + guestDevices.map(\.id).joined(separator: ", "))
            } else if let first = seen[id] {
                let line = first.location.map { " at line \($0.line)" } ?? ""
                diagnostics.report(reader.field("id"), reader.node("id"),
                                   problem: "duplicate id: \(first.path)\(line) has it already", accepted: "an id used once")
            } else {
                seen[id] = reader
            }
        }
    }

    static func checkBuses(_ devices: [Located<Device>], ports: [Located<RootPort>], _ diagnostics: Diagnostics) {
        let portIDs = ports.map(\.value.id)
        for device in devices {
            guard let bus = device.value.bus, !portIDs.contains(bus) else { continue }
            let guess = closest(bus, among: portIDs).map { "did you mean \"\($0)\"? " } ?? ""
            let accepted = portIDs.isEmpty ? "no bus key (there is no [[root_port]]): the device is then integrated on bus 0"
                : guess + "a root port id: " + portIDs.joined(separator: ", ") + ", or no bus key for bus 0"
            diagnostics.report(device.reader.field("bus"), device.reader.node("bus"), problem: "names no root port", accepted: accepted)
        }
    }

    /// Explicit addresses: free on their bus, device 0 behind a root port, each used once, and a
    /// function 0 wherever another function of the slot is used (Linux scans function 0 first).
    static func checkAddresses(ports: [Located<RootPort>], devices: [Located<Device>], guestDevices: [Device] = [],
                               _ diagnostics: Diagnostics) {
        var taken: [String: [SlotAddress: FieldReader]] = [:]
        let entries = ports.map { ("", $0.value.addr, $0.reader) } + devices.map { ($0.value.bus ?? "", $0.value.addr, $0.reader) }
        let guestSlots = guestDevices.compactMap(\.addr?.device)
        for (bus, addr, reader) in entries {
            guard let addr else { continue }
            let onBusZero = bus.isEmpty
            if onBusZero && !BusZero.isFree(addr) {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "is taken by the chipset (00.0 is the MCH, slot 1f the ICH9 functions)",
                                   accepted: "a device from 01 to 1e" + (guestSlots.isEmpty ? "" : " other than " + guestSlots.map(hex2).joined(separator: ", ")))
                continue
            }
            // A VMM device is a single-function device: its whole slot is taken.
            if onBusZero, let guest = guestDevices.first(where: { $0.addr?.device == addr.device }) {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "slot \(hex2(addr.device)) is held by \(XenGuest.holder(guest)), which libxl's QEMU puts at \(guest.addr!)",
                                   accepted: "a device from 01 to 1e other than " + guestSlots.map(hex2).joined(separator: ", "))
                continue
            }
            if !onBusZero && addr.device != 0 {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "a root port's link reaches device 0 only", accepted: "\"0.F\" with F from 0 to 7")
                continue
            }
            if let first = taken[bus]?[addr] {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "two functions on one address: \(first.path) is at \(addr) on \(onBusZero ? "bus 0" : "\"\(bus)\"") already",
                                   accepted: "a free device.function")
                continue
            }
            taken[bus, default: [:]][addr] = reader
        }
        for (bus, slots) in taken {
            for (addr, reader) in slots where addr.function != 0 && slots[SlotAddress(device: addr.device, function: 0)] == nil {
                diagnostics.report(reader.field("addr"), reader.node("addr"),
                                   problem: "function \(addr.function) of slot \(hex2(addr.device)) without a function 0 there\(bus.isEmpty ? "" : " behind \"\(bus)\""): Linux would never find it",
                                   accepted: "an address with function 0 also given explicitly in that slot")
            }
        }
    }

    static func checkCapacity(ports: [Located<RootPort>], devices: [Located<Device>], ecam: ECAMConfig,
                              guestDevices: [Device] = [], _ diagnostics: Diagnostics) {
        let onBusZero = ports.count + devices.filter { $0.value.bus == nil }.count
        // Each VMM device holds a whole slot (it is not multi-function).
        let guestSlots = Set(guestDevices.compactMap(\.addr?.device)).sorted()
        let capacity = BusZero.capacity - 8 * guestSlots.count
        let less = guestSlots.isEmpty ? "" : ", less slot\(guestSlots.count == 1 ? "" : "s") \(guestSlots.map(hex2).joined(separator: " and ")) held by libxl's \(guestDevices.map(\.id).joined(separator: " and "))"
        if onBusZero > capacity, let last = (devices.last?.reader ?? ports.last?.reader) {
            diagnostics.report(last.path, nil,
                               problem: "\(ports.count) root ports and \(onBusZero - ports.count) integrated devices need \(onBusZero) bus 0 addresses; bus 0 has \(capacity) (slots 01-1e, 8 functions each\(less))",
                               accepted: "at most \(capacity) root ports and integrated endpoints together")
        }
        var perPort: [String: Int] = [:]
        for device in devices {
            guard let bus = device.value.bus else { continue }
            perPort[bus, default: 0] += 1
            if perPort[bus] == 9 {
                diagnostics.report(device.reader.path, nil, problem: "is the 9th function behind \"\(bus)\"; a root port's link has one device of 8 functions",
                                   accepted: "at most 8 devices behind one root port")
            }
        }
        let busesNeeded = 1 + ports.reduce(0) { $0 + ($1.value.reserve.buses ?? 1) }
        if busesNeeded > ecam.buses {
            diagnostics.append(ConfigError(
                file: diagnostics.file, location: nil, field: "ecam.buses", value: String(ecam.buses),
                problem: "bus 0 and the root ports' bus reservations need \(busesNeeded) bus numbers",
                accepted: ECAMConfig.acceptedBusCounts.filter { $0 >= busesNeeded }.map(String.init).joined(separator: " or ")
                    .nonEmpty ?? "fewer root ports or smaller bus reservations (256 buses at most)"))
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
