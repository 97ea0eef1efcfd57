//! §5.2's claims (Tables 3–5, the drift and attention peaks) and the set-up claims of §4, with
//! the rules of [`super::claims`].

use super::{
    claims::{Cell, Evidence, Rows, Verdict, m},
    format::group,
    paper as p,
};
use crate::analysis::schema::MeanSd;

/// §5.2: hidden-state dynamics, attention statistics, effective context, shift detection.
pub(super) fn representation(r: &mut Rows, e: &Evidence) {
    let rep = e.representation;
    let layer = |l: usize| rep.and_then(|s| s.layers.iter().find(|x| x.layer == l));
    let last = rep.and_then(|s| s.layers.last());
    r.number(
        "§5.2.1",
        "mean state velocity (Mamba, last layer)",
        p::MEAN_VELOCITY,
        last.and_then(|x| m(&x.mamba_velocity)),
        &rep.map_or(String::new(), |s| {
            let tokens: Vec<String> = s.session_tokens.iter().map(|t| group(*t as i64)).collect();
            format!(
                "over our sessions of {} tokens, not {}",
                tokens.join(", "),
                group(p::DRIFT_TOKENS as i64)
            )
        }),
    );
    r.number(
        "§5.2.1",
        "final state drift (Mamba, last layer)",
        p::FINAL_DRIFT,
        last.and_then(|x| m(&x.mamba_drift)),
        "",
    );
    let peak = |f: fn(&crate::analysis::schema::LayerSummary) -> &MeanSd| {
        rep.and_then(|s| {
            s.layers
                .iter()
                .filter_map(|x| m(f(x)).map(|v| (x.layer, v)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
        })
    };
    let pe = peak(|x| &x.attn_entropy);
    r.number(
        "§5.2.2",
        "peak attention entropy (nats)",
        p::PEAK_ENTROPY.0,
        pe.map(|x| x.1),
        &pe.map_or(String::new(), |(l, _)| {
            format!(
                "our peak is at layer {l}; the paper's at layer {}",
                p::PEAK_ENTROPY.1
            )
        }),
    );
    r.number(
        "§5.2.2",
        "peak attention distance (tokens)",
        p::PEAK_DISTANCE,
        peak(|x| &x.attn_distance).map(|x| x.1),
        "",
    );
    for (l, vel, norm, ent, dist) in p::TABLE3 {
        let x = layer(l);
        let t = format!("Table 3, layer {l}");
        r.number(
            "§5.2 Table 3",
            &format!("{t}: SSM velocity"),
            vel,
            x.and_then(|x| m(&x.mamba_velocity)),
            "",
        );
        r.number(
            "§5.2 Table 3",
            &format!("{t}: SSM norm"),
            norm,
            x.and_then(|x| m(&x.mamba_norm)),
            "",
        );
        r.number(
            "§5.2 Table 3",
            &format!("{t}: attention entropy"),
            ent,
            x.and_then(|x| m(&x.attn_entropy)),
            "",
        );
        r.number(
            "§5.2 Table 3",
            &format!("{t}: attention distance"),
            dist,
            x.and_then(|x| m(&x.attn_distance)),
            "",
        );
    }
    let ctx = |model: &str, method: &str| {
        rep.and_then(|s| {
            s.context
                .iter()
                .find(|c| c.model == model && c.method == method)
        })
    };
    let (cm, ct) = (ctx("mamba", "gradient"), ctx("llama", "attention-span"));
    r.number(
        "§5.2.3 Table 4",
        "Mamba mean effective range (tokens)",
        p::T4_RANGE.0,
        cm.and_then(|c| m(&c.effective_range)),
        "",
    );
    r.number(
        "§5.2.3 Table 4",
        "Transformer mean effective range (tokens)",
        p::T4_RANGE.1,
        ct.and_then(|c| m(&c.effective_range)),
        "",
    );
    r.number(
        "§5.2.3 Table 4",
        "Mamba % of sequence used",
        p::T4_PERCENT.0,
        cm.and_then(|c| m(&c.percent_of_sequence)),
        "",
    );
    r.number(
        "§5.2.3 Table 4",
        "Transformer % of sequence used",
        p::T4_PERCENT.1,
        ct.and_then(|c| m(&c.percent_of_sequence)),
        "",
    );
    r.number(
        "§5.2.3 Table 4",
        "Mamba consistency (CoV)",
        p::T4_COV.0,
        cm.and_then(|c| m(&c.cov)),
        "",
    );
    r.number(
        "§5.2.3 Table 4",
        "Transformer consistency (CoV)",
        p::T4_COV.1,
        ct.and_then(|c| m(&c.cov)),
        "",
    );
    type Field = fn(&crate::analysis::schema::ContextSummary) -> &MeanSd;
    let advantages: [(&str, f64, Field); 2] = [
        (
            "range advantage (Mamba / Transformer)",
            p::T4_ADVANTAGE.0,
            |c| &c.effective_range,
        ),
        (
            "% used advantage (Mamba / Transformer)",
            p::T4_ADVANTAGE.1,
            |c| &c.percent_of_sequence,
        ),
    ];
    for (claim, paper, field) in advantages {
        let ratio = cm
            .and_then(|c| m(field(c)))
            .zip(ct.and_then(|c| m(field(c))))
            .map(|(a, b)| a / b);
        r.number("§5.2.3 Table 4", claim, paper, ratio, "");
    }
    let implied = (
        p::T4_RANGE.0 / (p::T4_PERCENT.0 / 100.0),
        p::T4_RANGE.1 / (p::T4_PERCENT.1 / 100.0),
    );
    r.fixed(
        "§5.2.3 Table 4",
        "range and % used describe one sequence length",
        (
            Cell::text("one length"),
            Cell::text(format!(
                "Mamba's implies {} tokens, the Transformer's {}",
                group(implied.0.round() as i64),
                group(implied.1.round() as i64)
            )),
        ),
        Verdict::NotReproducible,
        "the two percentages cannot refer to the same sequences".into(),
    );
    let shift = |model: &str| {
        rep.and_then(|s| {
            s.shifts
                .iter()
                .find(|x| x.model == model && x.protocol == "segments4")
        })
    };
    for (i, (name, model)) in [("Mamba", "mamba"), ("Transformer", "llama")]
        .iter()
        .enumerate()
    {
        let x = shift(model);
        let (auc, f1, f1o, tpr) = p::T5[i];
        r.number(
            "§5.2.4 Table 5",
            &format!("{name} AUC-ROC"),
            auc,
            x.and_then(|x| m(&x.auc)),
            "4-segment protocol, our shift labels",
        );
        r.number(
            "§5.2.4 Table 5",
            &format!("{name} F1"),
            f1,
            x.and_then(|x| m(&x.f1_default)),
            "",
        );
        r.number(
            "§5.2.4 Table 5",
            &format!("{name} F1 @ optimal"),
            f1o,
            x.and_then(|x| m(&x.f1_optimal)),
            "",
        );
        r.number(
            "§5.2.4 Table 5",
            &format!("{name} TPR @ 0.1 FPR"),
            tpr,
            x.and_then(|x| m(&x.tpr_at_fpr_01)),
            "",
        );
    }
    r.number(
        "§5.2.5",
        "Mamba final-layer norm",
        p::TABLE3[4].2,
        last.and_then(|x| m(&x.mamba_norm)),
        "",
    );
}

/// §4: parameter counts and the vocabulary.
pub(super) fn setup(r: &mut Rows, e: &Evidence) {
    for (name, count) in [("LLaMA", e.params.0), ("Mamba", e.params.1)] {
        r.count(
            "§4.2",
            &format!("{name} has ~50 M parameters"),
            Cell::count(p::PARAMS).before("≈\u{a0}"),
            Some(count as f64),
            "counted from the models as configured (tied embeddings counted once)",
        );
    }
    r.fixed(
        "§4.1–4.2",
        "GPT-2 tokenizer with a 32,000-token vocabulary",
        (
            Cell::count(p::VOCAB as f64).before("vocabulary of "),
            Cell::text(format!(
                "{} corpus tokens have ids ≥ {} (largest {})",
                group(e.remapped.0 as i64),
                group(p::VOCAB as i64),
                group(e.remapped.1 as i64)
            )),
        ),
        Verdict::NotReproducible,
        format!(
            "GPT-2's ids reach {}; see Methods for how ssmbench maps them",
            group(p::GPT2_MAX_ID as i64)
        ),
    );
}
