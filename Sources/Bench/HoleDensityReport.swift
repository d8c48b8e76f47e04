import Foundation
import Layout
import VMConfig
import VMCorpus

/// The density of the 32-bit resources (`HoleDensity`: span / summed sizes) over the fixed corpus
/// of generated VMs, per policy: min, median and max, and the VMs with the worst ratio.
enum HoleDensityReport {
    static func print() {
        let entries = VMCorpus.entries()
        Swift.print("\n32-bit resource density over \(entries.count) generated VMs (VMCorpus, seed \(hex(VMCorpus.seed))):"
                    + " span of the ECAM, bus 0 BARs/ROMs and bridge memory windows below 4 GiB / their summed sizes")
        Swift.print("  " + pad("policy", 11) + pad("planned", 9) + pad("min", 8) + pad("median", 8) + pad("max", 9) + "worst")
        for policy in PlacementPolicy.allCases {
            var ratios: [(name: String, ratio: Double)] = []
            var planned = 0
            for entry in entries {
                guard let config = try? ConfigLoader.load(text: entry.toml, file: entry.name, policyOverride: policy),
                      let plan = try? Planner.plan(config) else { continue }
                planned += 1
                if let ratio = HoleDensity.ratio(plan) { ratios.append((entry.name, ratio)) }
            }
            let sorted = ratios.sorted { $0.ratio < $1.ratio }
            guard let low = sorted.first, let high = sorted.last else {
                Swift.print("  " + pad(policy.rawValue, 11) + "\(planned)/\(entries.count)")
                continue
            }
            let worst = sorted.suffix(3).reversed().map { "\($0.name) \(String(format: "%.2f", $0.ratio))" }.joined(separator: ", ")
            Swift.print("  " + pad(policy.rawValue, 11) + pad("\(planned)/\(entries.count)", 9) + pad(String(format: "%.3f", low.ratio), 8)
                        + pad(String(format: "%.3f", sorted[sorted.count / 2].ratio), 8) + pad(String(format: "%.3f", high.ratio), 9) + worst)
        }
    }
}
