import VMConfig

/// Both policies' layouts of one VM drawn to scale, side by side, as one SVG document (what
/// `guestfw compare --svg` and `guestfw build`'s layout.svg hold). Pure: plans in, text out,
/// byte-identical for equal input.
///
/// Each column is a `<g class="column" data-policy=...>` carrying its mappings' parameters: the
/// memory panel's (`data-y4g`, `data-linear-start`, `data-linear-height`, `data-log-top`,
/// `data-log-height`, see `LayoutScale`) and the I/O panel's (`data-io-bottom`, `data-io-height`,
/// `data-io-limit`, see `IOScale`). Every `<rect>` with a `data-id` is one placed thing drawn
/// exactly to scale: its bottom edge is y(start), its top edge y(end + 1); `data-start` and
/// `data-end` (the last address, as plan.json writes it) are hex, `data-space` is `memory` or
/// `io`, a function's resources add `data-resource` (`BAR1`, `mem-window`, ...) and `data-bdf`.
/// `data-clipped="below"` marks one that continues below the drawing (low RAM). Resources too
/// small to see get an extra 3 px marker `<rect class="marker">` without a `data-id`.
public enum LayoutSVG {
    public enum Column: Sendable, Hashable {
        case plan(Plan)
        /// A policy with no layout for this VM, and why.
        case failed(policy: PlacementPolicy, message: String)

        var policyName: String {
            switch self {
            case .plan(let plan): plan.policy.rawValue
            case .failed(let policy, _): policy.rawValue
            }
        }
    }

    public static func render(name: String, columns: [Column]) -> String {
        var drawing = Drawing(name: name, columns: columns)
        return drawing.render()
    }
}

/// Geometry and the writer.
private struct Drawing {
    static let margin = 20.0
    static let columnWidth = 640.0
    static let columnGap = 30.0
    static let axisWidth = 70.0
    static let stripWidth = 180.0
    static let leaderWidth = 44.0
    static let inset = 12.0
    static let lineHeight = 12.0
    static let markerHeight = 3.0
    static let memoryTop = 124.0
    static let wrapColumns = 104
    static let hazardColour = "#d40000"

    var name: String
    var columns: [LayoutSVG.Column]
    var plans: [Plan]
    var scale: LayoutScale
    var ioScale: IOScale
    var out: [String] = []

    init(name: String, columns: [LayoutSVG.Column]) {
        self.name = name
        self.columns = columns
        plans = columns.compactMap { if case .plan(let plan) = $0 { plan } else { nil } }
        let octaves = LayoutMath.log2(LayoutScale.fitting(plans, y4G: 0, linearHeight: 1, logHeight: 1).logTop) - 32
        let logHeight = min(512, max(128, (octaves * 64).rounded()))
        let labels = plans.map { LayoutItems.memory($0).count }.max() ?? 0
        let linearHeight = max(820, Double(labels + 2) * Self.lineHeight - logHeight)
        scale = LayoutScale.fitting(plans, y4G: Self.memoryTop + logHeight, linearHeight: linearHeight, logHeight: logHeight)
        let ioLabels = plans.map { LayoutItems.io($0).count }.max() ?? 0
        let ioHeight = max(160, Double(ioLabels + 2) * Self.lineHeight)
        ioScale = IOScale(bottom: scale.bottom + 56 + ioHeight, height: ioHeight)
    }

    var width: Double {
        2 * Self.margin + Double(columns.count) * Self.columnWidth + Double(max(0, columns.count - 1)) * Self.columnGap
    }

    mutating func render() -> String {
        let boxesTop = ioScale.bottom + 34
        var lowest = boxesTop
        for (index, column) in columns.enumerated() {
            lowest = max(lowest, drawColumn(column, x: Self.margin + Double(index) * (Self.columnWidth + Self.columnGap), boxesTop: boxesTop))
        }
        let height = drawLegend(top: lowest + 24) + Self.margin
        var head: [String] = []
        head.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        head.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(num(width))\" height=\"\(num(height))\" viewBox=\"0 0 \(num(width)) \(num(height))\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"10\">")
        head.append("<title>\(esc(name)): \(columns.map(\.policyName).joined(separator: " vs ")) layout</title>")
        head.append("<desc>guestfw layout drawing. Memory: y(a) = y4G + linearHeight*(2^32-a)/(2^32-linearStart) for a &lt;= 4 GiB, y(a) = y4G - logHeight*(log2(a)-32)/(log2(logTop)-32) above (parameters on each column group). I/O: y(p) = ioBottom - ioHeight*p/ioLimit. Each rect with data-id spans y(end+1) to y(start).</desc>")
        head.append("<defs><pattern id=\"extension-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#333333\" stroke-width=\"1.5\" stroke-opacity=\"0.55\"/></pattern></defs>")
        head.append("<rect x=\"0\" y=\"0\" width=\"\(num(width))\" height=\"\(num(height))\" fill=\"#ffffff\"/>")
        head.append(text(Self.margin, 28, "\(name): \(columns.map(\.policyName).joined(separator: " vs ")), to scale", size: 16, weight: "bold"))
        head.append(text(Self.margin, 46, "Memory: linear from \(hex(scale.linearStart)) to 4 GiB (\(mebibytes(scale.linearBytesPerPixel * 100)) per 100 px), log2 above 4 GiB (one doubling per \(num(scale.pixelsPerDoubling.rounded())) px) up to \(hex(scale.logTop)). I/O ports: linear, 0x0-0xffff.", size: 11))
        head.append(text(Self.margin, 61, "Every rectangle is to scale (one too small to see gets a 3 px marker); labels point at their rectangle. Both columns use the same scale.", size: 11, fill: "#555555"))
        return (head + out + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    /// Draws one column; returns the lowest y it used.
    mutating func drawColumn(_ column: LayoutSVG.Column, x: Double, boxesTop: Double) -> Double {
        out.append("<g class=\"column\" data-policy=\"\(column.policyName)\" data-map=\"linear-log\" data-y4g=\"\(num(scale.y4G))\" data-linear-start=\"\(hex(scale.linearStart))\" data-linear-height=\"\(num(scale.linearHeight))\" data-log-top=\"\(hex(scale.logTop))\" data-log-height=\"\(num(scale.logHeight))\" data-io-bottom=\"\(num(ioScale.bottom))\" data-io-height=\"\(num(ioScale.height))\" data-io-limit=\"\(hex(IOScale.limit))\">")
        defer { out.append("</g>") }
        out.append(text(x, 90, "\(column.policyName) policy", size: 14, weight: "bold"))
        guard case .plan(let plan) = column else {
            if case .failed(let policy, let message) = column { return drawFailure(policy, message, x: x) }
            return boxesTop
        }
        out.append(text(x, 106, summary(plan), size: 10, fill: "#333333"))
        var items = LayoutItems.memory(plan) + LayoutItems.io(plan)
        LayoutItems.markHazards(plan, &items)
        let memory = items.filter { $0.space == .memory }, io = items.filter { $0.space == .io }
        let stripX = x + Self.axisWidth
        drawPanel(memory, .memory, stripX: stripX)
        out.append(text(stripX, ioScale.bottom - ioScale.height - 14, "I/O ports (linear)", size: 11, weight: "bold"))
        drawPanel(io, .io, stripX: stripX)
        return drawBoxes(plan, memory + io, x: x, top: boxesTop)
    }

    func summary(_ plan: Plan) -> String {
        let ecam = plan.ecam.map { "ECAM \(hex($0.base))" } ?? "ECAM unassigned"
        let hole = "hole \(hex(plan.memory.hole.start)) (\(Quantity.format(FixedRanges.fourGiB - plan.memory.hole.start)) below 4G)"
        return [ecam, hole, "low RAM \(Quantity.format(plan.memory.lowRAMEnd))", "RAM relocated \(Quantity.format(plan.memory.relocatedRAM))",
                "unassigned \(plan.unassigned.count)", "hazards \(plan.hazards.count)"].joined(separator: " · ")
    }

    mutating func drawFailure(_ policy: PlacementPolicy, _ message: String, x: Double) -> Double {
        let lines = ["No layout exists under the \(policy.rawValue) policy:"] + wrap(message, Self.wrapColumns - 4)
        let top = scale.top
        let height = Double(lines.count) * 14 + 16
        out.append("<rect class=\"error\" x=\"\(num(x))\" y=\"\(num(top))\" width=\"\(num(Self.columnWidth))\" height=\"\(num(height))\" fill=\"#fff0f0\" stroke=\"\(Self.hazardColour)\" stroke-width=\"2\"/>")
        for (index, line) in lines.enumerated() {
            out.append(text(x + 10, top + 20 + Double(index) * 14, line, size: 11, weight: index == 0 ? "bold" : nil, fill: index == 0 ? Self.hazardColour : "#000000"))
        }
        return top + height
    }

    /// Backgrounds, the axis, then the resources bottom level first, then the labels in the lane.
    mutating func drawPanel(_ items: [LayoutItem], _ space: LayoutItem.Space, stripX: Double) {
        let top = space == .memory ? scale.top : ioScale.bottom - ioScale.height
        let bottom = space == .memory ? scale.bottom : ioScale.bottom
        func y(_ address: UInt64) -> Double { space == .memory ? scale.y(address) : ioScale.y(address) }
        let ordered = items.enumerated().sorted { a, b in
            let ka = (a.element.level, a.element.style.isWindow ? 0 : 1), kb = (b.element.level, b.element.style.isWindow ? 0 : 1)
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
        var callouts: [(anchor: Double, start: UInt64, right: Double, item: LayoutItem)] = []
        var axisDrawn = false
        for item in ordered {
            if !item.style.isBackground && !axisDrawn {
                drawAxis(space, stripX)
                axisDrawn = true
            }
            let upper = y(item.range.limit), lower = y(item.range.start)
            let x = stripX + Double(item.level) * Self.inset
            let width = Self.stripWidth - 2 * Double(item.level) * Self.inset
            drawRect(item, x: x, width: width, upper: upper, lower: lower, clipped: item.space == .memory && item.range.start < scale.linearStart)
            let visible = lower - upper
            if item.style == .ram && visible >= 16 {
                let labelY = (max(upper, top) + min(lower, bottom)) / 2 + 3.5
                out.append(text(x + 6, labelY, label(item), size: 10, fill: labelColour(item)))
                if item.range.start < scale.linearStart && item.space == .memory {
                    out.append(text(x + 6, bottom - 5, "↓ continues down to \(hex(item.range.start))", size: 9, fill: "#555555"))
                }
            } else {
                callouts.append(((upper + lower) / 2, item.range.start, x + width, item))
            }
        }
        if !axisDrawn { drawAxis(space, stripX) }
        drawCallouts(callouts, stripX: stripX, top: top, bottom: bottom)
    }

    mutating func drawRect(_ item: LayoutItem, x: Double, width: Double, upper: Double, lower: Double, clipped: Bool) {
        var attributes = "data-id=\"\(esc(item.id))\""
        if let resource = item.resource { attributes += " data-resource=\"\(esc(resource))\"" }
        if let bdf = item.bdf { attributes += " data-bdf=\"\(bdf)\"" }
        attributes += " data-kind=\"\(item.style.rawValue)\" data-space=\"\(item.space.rawValue)\" data-start=\"\(hex(item.range.start))\" data-end=\"\(hex(item.range.end))\""
        if clipped { attributes += " data-clipped=\"below\"" }
        if item.isExtension { attributes += " data-extension=\"true\"" }
        if item.isFixed { attributes += " data-fixed=\"true\"" }
        if !item.hazards.isEmpty { attributes += " data-hazards=\"\(item.hazards.map(String.init).joined(separator: " "))\"" }
        let hazard = !item.hazards.isEmpty
        let stroke = hazard ? Self.hazardColour : item.style.stroke
        // Identity resources: a heavy border (a hazard's red still wins the colour).
        let strokeWidth = hazard || item.isFixed ? "2" : "0.8"
        let dash = item.isExtension ? " stroke-dasharray=\"4 2\"" : ""
        let paint = "fill=\"\(item.style.fill)\" stroke=\"\(stroke)\" stroke-width=\"\(strokeWidth)\"\(dash)"
        out.append("<rect \(attributes) x=\"\(num(x))\" y=\"\(num(upper))\" width=\"\(num(width))\" height=\"\(num(lower - upper))\" \(paint)/>")
        var drawnUpper = upper, drawnHeight = lower - upper
        if drawnHeight < Self.markerHeight && !item.style.isBackground {
            drawnUpper = (upper + lower) / 2 - Self.markerHeight / 2
            drawnHeight = Self.markerHeight
            out.append("<rect class=\"marker\" x=\"\(num(x))\" y=\"\(num(drawnUpper))\" width=\"\(num(width))\" height=\"\(num(drawnHeight))\" \(paint)/>")
        }
        if item.isExtension {
            out.append("<rect class=\"extension\" x=\"\(num(x))\" y=\"\(num(drawnUpper))\" width=\"\(num(width))\" height=\"\(num(drawnHeight))\" fill=\"url(#extension-hatch)\" stroke=\"none\"/>")
        }
    }

    /// Labels in the lane right of the strip, in address order, pushed apart to one line each,
    /// with a leader line back to their rectangle.
    mutating func drawCallouts(_ callouts: [(anchor: Double, start: UInt64, right: Double, item: LayoutItem)],
                               stripX: Double, top: Double, bottom: Double) {
        let sorted = callouts.sorted { $0.anchor != $1.anchor ? $0.anchor < $1.anchor : $0.start > $1.start }
        var positions = sorted.map(\.anchor)
        let low = top + Self.lineHeight / 2, high = bottom - Self.lineHeight / 2
        for index in positions.indices {
            positions[index] = max(positions[index], low)
            if index > 0 { positions[index] = max(positions[index], positions[index - 1] + Self.lineHeight) }
        }
        for index in positions.indices.reversed() {
            positions[index] = min(positions[index], high)
            if index < positions.count - 1 { positions[index] = min(positions[index], positions[index + 1] - Self.lineHeight) }
        }
        let laneX = stripX + Self.stripWidth + Self.leaderWidth
        for (callout, position) in zip(sorted, positions) {
            let colour = callout.item.hazards.isEmpty ? "#8a8a8a" : Self.hazardColour
            let bend = stripX + Self.stripWidth + 8
            out.append("<polyline points=\"\(num(callout.right)),\(num(callout.anchor)) \(num(bend)),\(num(callout.anchor)) \(num(laneX - 4)),\(num(position))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"0.6\"/>")
            out.append(text(laneX, position + 3.5, label(callout.item), size: 10, fill: labelColour(callout.item)))
        }
    }

    func label(_ item: LayoutItem) -> String {
        var text = item.label
        if item.isExtension { text += " [extension]" }
        if item.isFixed { text += " [identity]" }
        if !item.hazards.isEmpty { text += " " + item.hazards.map { "[H\($0)]" }.joined() }
        return text
    }

    func labelColour(_ item: LayoutItem) -> String { item.hazards.isEmpty ? "#000000" : Self.hazardColour }

    mutating func drawAxis(_ space: LayoutItem.Space, _ stripX: Double) {
        if space == .memory { drawMemoryAxis(stripX) } else { drawIOAxis(stripX) }
    }

    mutating func drawMemoryAxis(_ stripX: Double) {
        let four = FixedRanges.fourGiB
        var ticks: [(UInt64, String)] = []
        let step = max(Units.miB, LayoutMath.powerOfTwoAtLeast(UInt64(40 * scale.linearBytesPerPixel)))
        var address = alignUp(scale.linearStart, step)
        while address < four {
            ticks.append((address, hex(address)))
            address += step
        }
        ticks.append((four, "4G"))
        let doublings = Int(LayoutMath.log2(scale.logTop).rounded())
        let every = scale.pixelsPerDoubling < 14 ? 2 : 1
        for exponent in stride(from: 33, through: doublings, by: every) {
            let value = UInt64(1) << exponent
            ticks.append((value, Quantity.format(value)))
        }
        for (value, name) in ticks { tick(stripX, scale.y(value), name, strong: value == four) }
        out.append(text(stripX - Self.axisWidth, scale.y4G + 12, "linear ↓", size: 8, fill: "#555555"))
        out.append(text(stripX - Self.axisWidth, scale.y4G - 6, "log2 ↑", size: 8, fill: "#555555"))
    }

    mutating func drawIOAxis(_ stripX: Double) {
        for port in stride(from: UInt64(0), through: IOScale.limit, by: 0x2000) {
            tick(stripX, ioScale.y(port), hex(port), strong: false)
        }
    }

    mutating func tick(_ stripX: Double, _ y: Double, _ name: String, strong: Bool) {
        out.append("<line x1=\"\(num(stripX - 4))\" y1=\"\(num(y))\" x2=\"\(num(stripX + Self.stripWidth))\" y2=\"\(num(y))\" stroke=\"\(strong ? "#444444" : "#d6d6d6")\" stroke-width=\"\(strong ? "1" : "0.5")\"\(strong ? " stroke-dasharray=\"5 3\"" : "")/>")
        out.append(text(stripX - 6, y + 3, name, size: 9, anchor: "end", fill: "#333333"))
    }

    /// Unassigned resources, hazards, extensions and departures under the column.
    mutating func drawBoxes(_ plan: Plan, _ items: [LayoutItem], x: Double, top: Double) -> Double {
        var lines: [(text: String, colour: String, bold: Bool)] = []
        let unassigned = LayoutItems.unassigned(plan)
        lines.append(("Unassigned (\(unassigned.count))\(unassigned.isEmpty ? ": none" : ", left to the guest OS; build refuses this plan")", "#000000", true))
        for line in unassigned {
            let marks = line.hazards.map { " [H\($0)]" }.joined()
            lines.append(("  " + line.text + marks, line.hazards.isEmpty ? "#000000" : Self.hazardColour, false))
        }
        lines.append(("Hazards (\(plan.hazards.count))\(plan.hazards.isEmpty ? ": none" : ", outlined in red")", plan.hazards.isEmpty ? "#000000" : Self.hazardColour, true))
        for (index, hazard) in plan.hazards.enumerated() {
            let text = "H\(index + 1) \(hazard.kind.rawValue) (\(hazard.ids.joined(separator: ", "))): \(hazard.detail)"
            for (part, piece) in wrap(text, Self.wrapColumns - 4).enumerated() {
                lines.append(((part == 0 ? "  " : "      ") + piece, Self.hazardColour, false))
            }
        }
        let extensions = items.filter(\.isExtension)
        if !extensions.isEmpty {
            lines.append(("Extensions (\(extensions.count)), hatched: placed by guestfw where hvmloader leaves them to the guest OS", "#000000", true))
            for piece in wrap(extensions.map { "\($0.id) \($0.resource ?? "")" }.joined(separator: ", "), Self.wrapColumns - 4) {
                lines.append(("  " + piece, "#000000", false))
            }
        }
        let fixed = items.filter(\.isFixed)
        if !fixed.isEmpty {
            lines.append(("Identity (\(fixed.count)), heavy border: fixed at the host's addresses (placement = \"identity\")", "#000000", true))
            for piece in wrap(fixed.map { "\($0.id) \($0.resource ?? "")" }.joined(separator: ", "), Self.wrapColumns - 4) {
                lines.append(("  " + piece, "#000000", false))
            }
        }
        if !plan.departures.isEmpty {
            lines.append(("Departures from the imitated firmware (\(plan.departures.count))", "#000000", true))
            for departure in plan.departures {
                for (part, piece) in wrap(departure, Self.wrapColumns - 4).enumerated() {
                    lines.append(((part == 0 ? "  - " : "    ") + piece, "#000000", false))
                }
            }
        }
        let height = Double(lines.count) * 13 + 12
        out.append("<rect class=\"box\" x=\"\(num(x))\" y=\"\(num(top))\" width=\"\(num(Self.columnWidth))\" height=\"\(num(height))\" fill=\"#fafafa\" stroke=\"#999999\" stroke-width=\"0.8\"/>")
        for (index, line) in lines.enumerated() {
            // SVG collapses spaces, so leading ones become an offset.
            let body = line.text.drop { $0 == " " }
            let indent = Double(line.text.count - body.count) * 4
            out.append(text(x + 8 + indent, top + 16 + Double(index) * 13, String(body), size: 10, weight: line.bold ? "bold" : nil, fill: line.colour))
        }
        return top + height
    }

    /// The colour key across the whole width; returns its bottom.
    mutating func drawLegend(top: Double) -> Double {
        let entries: [(LayoutItem.Style?, String)] = [
            (.ram, "RAM"), (.ecam, "ECAM"), (.fixed, "chipset, firmware ROM"), (.acpi, "ACPI tables"),
            (.hole, "32-bit hole"), (.window64, "64-bit window"), (.memWindow, "bridge mem window"),
            (.prefWindow, "bridge pref window"), (.ioWindow, "bridge I/O window"), (.mem32, "BAR mem32"),
            (.mem64, "BAR mem64"), (.rom, "expansion ROM"), (.io, "BAR io"), (nil, "hazard (red outline, H1...)"),
        ]
        out.append(text(Self.margin, top + 10, "Key", size: 11, weight: "bold"))
        let perRow = max(1, Int((width - 2 * Self.margin) / 180))
        var y = top + 22
        for (index, entry) in entries.enumerated() {
            let x = Self.margin + Double(index % perRow) * 180
            if index > 0 && index % perRow == 0 { y += 18 }
            let fill = entry.0?.fill ?? "#ffffff", stroke = entry.0?.stroke ?? Self.hazardColour
            out.append("<rect class=\"key\" x=\"\(num(x))\" y=\"\(num(y))\" width=\"14\" height=\"12\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(entry.0 == nil ? "2" : "0.8")\"/>")
            out.append(text(x + 20, y + 10, entry.1, size: 10))
        }
        y += 18
        out.append("<rect class=\"key\" x=\"\(num(Self.margin))\" y=\"\(num(y))\" width=\"14\" height=\"12\" fill=\"#8fb9e8\" stroke=\"#333333\" stroke-width=\"0.8\" stroke-dasharray=\"4 2\"/>")
        out.append("<rect class=\"key\" x=\"\(num(Self.margin))\" y=\"\(num(y))\" width=\"14\" height=\"12\" fill=\"url(#extension-hatch)\" stroke=\"none\"/>")
        out.append(text(Self.margin + 20, y + 10, "extension (hatched, dashed): behind a bridge, placed by guestfw by hvmloader's rules; hvmloader itself leaves it to the guest OS", size: 10))
        if plans.contains(where: { $0.functions.contains { $0.bars.contains(where: \.isFixed) } }) {
            y += 18
            out.append("<rect class=\"key\" x=\"\(num(Self.margin))\" y=\"\(num(y))\" width=\"14\" height=\"12\" fill=\"#8fb9e8\" stroke=\"#333333\" stroke-width=\"2\"/>")
            out.append(text(Self.margin + 20, y + 10, "identity (heavy border, [identity]): at the host's address (placement = \"identity\"), or a window fixed around such BARs", size: 10))
        }
        return y + 12
    }

    // MARK: writing

    func text(_ x: Double, _ y: Double, _ content: String, size: Double, weight: String? = nil,
              anchor: String? = nil, fill: String = "#000000") -> String {
        var attributes = "x=\"\(num(x))\" y=\"\(num(y))\" font-size=\"\(num(size))\""
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let anchor { attributes += " text-anchor=\"\(anchor)\"" }
        if fill != "#000000" { attributes += " fill=\"\(fill)\"" }
        return "<text \(attributes)>\(esc(content))</text>"
    }

    func wrap(_ text: String, _ columns: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && line.count + 1 + word.count > columns {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}

/// "271.4 MiB": one decimal, for the scale note.
fileprivate func mebibytes(_ bytes: Double) -> String {
    let tenths = (bytes / Double(1 << 20) * 10).rounded()
    return num(tenths / 10) + " MiB"
}

/// A coordinate with at most three decimals, the same on every platform.
fileprivate func num(_ value: Double) -> String {
    let scaled = (value * 1000).rounded()
    let negative = scaled < 0
    let magnitude = UInt64(abs(scaled))
    let whole = magnitude / 1000, fraction = magnitude % 1000
    var text = (negative && magnitude != 0 ? "-" : "") + String(whole)
    if fraction != 0 {
        var digits = String(fraction)
        while digits.count < 3 { digits = "0" + digits }
        while digits.last == "0" { digits.removeLast() }
        text += "." + digits
    }
    return text
}

/// XML text and attribute escaping.
fileprivate func esc(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        default: result.append(character)
        }
    }
    return result
}
