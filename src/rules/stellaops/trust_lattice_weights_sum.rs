use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::strictness::num;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `trustLattice.weights` (provenance, coverage, replayability) whose sum differs from
    /// 1.0.
    ///
    /// ## Why is this bad?
    /// `baseTrust = wP·P + wC·C + wR·R` must stay in [0, 1]. Weights summing above 1 inflate every
    /// claim score past the confidence thresholds; below 1 they deflate it.
    ///
    /// ## Example
    /// ```yaml title="policy-gates.yaml"
    /// version: "1.0"
    /// trustLattice:
    ///   weights:
    ///     provenance: 0.60
    ///     coverage: 0.35
    ///     replayability: 0.20
    /// gates: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy-gates.yaml"
    /// version: "1.0"
    /// trustLattice:
    ///   weights:
    ///     provenance: 0.45
    ///     coverage: 0.35
    ///     replayability: 0.20
    /// gates: {}
    /// ```
    pub struct TrustLatticeWeightsSum {
        id: "trust-lattice-weights-sum",
        summary: "trust-lattice weights do not sum to 1",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for TrustLatticeWeightsSum {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let Some(lattice) = &model.trust_lattice else {
                continue;
            };
            let weights = [
                &lattice.provenance_weight,
                &lattice.coverage_weight,
                &lattice.replayability_weight,
            ];
            if !weights.iter().any(|w| ProjectFile::here(w.loc)) {
                continue;
            }
            let sum: f64 = weights.iter().map(|w| w.value).sum();
            if (sum - 1.0).abs() <= 1e-9 {
                continue;
            }
            let locs: Vec<_> = weights.iter().map(|w| w.loc).collect();
            out.push(Self::META.finding(
                file.location(&locs, "/trustLattice/weights"),
                format!("trust-lattice weights sum to {}, not 1", num(sum)),
            ));
        }
    }
}
