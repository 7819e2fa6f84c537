//! The review's pure work at the scale of a provincial award and beyond: aggregation of 10 000
//! applications × 15 experts — the sheets laid out flat (`award_domain::scoring::PanelScores`)
//! first, timed on its own, then every panel aggregated (`award_domain::scoring::panel_result`,
//! what `review_result` runs) — and the draw (`award_domain::review::auto_assign`) of 200
//! applications × 60 experts, 5 each. Inputs are generated from a fixed seed so each run measures
//! the same work. Prints a Markdown table; the times are this machine's, measured once per run,
//! and asserted nowhere.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use award_domain::review::{Candidate, Need, auto_assign};
use award_domain::rules::ReviewRules;
use award_domain::scoring::{PanelScores, ScoreSheet, panel_result};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::BenchError;

/// The synthetic inputs' generator: ChaCha8 from a fixed seed, so each run measures the same work.
struct Inputs(ChaCha8Rng);

impl Inputs {
    fn below(&mut self, bound: u64) -> u64 {
        self.0.next_u64() % bound
    }
}

/// Peak resident memory of this process so far (`VmHWM`), in KiB; `None` off Linux.
fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

pub fn print() -> Result<(), BenchError> {
    let rules = ReviewRules::default();
    let items: Vec<String> = rules.rubric.items().map(|item| item.id.clone()).collect();
    let mut inputs = Inputs(ChaCha8Rng::seed_from_u64(2026));
    let baseline = peak_rss_kib();

    // 10 000 applications × 15 experts: the sheets, then every panel's result.
    let (applications, experts) = (10_000usize, 15usize);
    let panels: Vec<Vec<ScoreSheet>> = (0..applications)
        .map(|_| {
            let centre = 30 + 5 * inputs.below(9) as u8;
            (0..experts)
                .map(|expert| ScoreSheet {
                    expert: format!("E{expert:02}"),
                    items: items
                        .iter()
                        .map(|item| {
                            // Mostly within 20 points; one score in 50 up to 40 apart.
                            let spread = if inputs.below(50) == 0 {
                                40
                            } else {
                                5 * inputs.below(5) as u8
                            };
                            (item.clone(), (centre + spread).min(100))
                        })
                        .collect(),
                })
                .collect()
        })
        .collect();
    let before = peak_rss_kib();
    // Laying the sheets out is paid once per panel however often its results are recomputed, so it
    // is timed on its own, beside the aggregation rather than inside it.
    let started = Instant::now();
    let flat = panels
        .iter()
        .map(|sheets| PanelScores::new(&rules, sheets))
        .collect::<Result<Vec<_>, _>>()?;
    let layout = started.elapsed();
    let laid_out = peak_rss_kib();
    let no_consensus = BTreeMap::new();
    let started = Instant::now();
    let mut flagged = 0usize;
    for panel in &flat {
        let result = panel_result(panel, &no_consensus)?;
        flagged += result.needs_consensus.len();
    }
    let aggregation = started.elapsed();
    let after = peak_rss_kib();

    // 200 applications × 60 experts, 5 each, ~5 % of pairs conflicted, half the pool matching.
    let (needs_count, pool) = (200usize, 60usize);
    let needs: Vec<Need> = (0..needs_count)
        .map(|application| Need {
            application: format!("A{application:03}"),
            section: Some(if application % 2 == 0 { 'C' } else { 'M' }),
            needed: 5,
            excluded: (0..pool)
                .filter(|_| inputs.below(20) == 0)
                .map(|expert| format!("E{expert:02}"))
                .collect::<BTreeSet<_>>(),
        })
        .collect();
    let candidates: Vec<Candidate> = (0..pool)
        .map(|expert| Candidate {
            expert: format!("E{expert:02}"),
            specialities: BTreeSet::from([if expert % 2 == 0 { 'C' } else { 'M' }]),
            load: 0,
        })
        .collect();
    let started = Instant::now();
    let plan = auto_assign(&needs, &candidates, 20_261_129)?;
    let draw = started.elapsed();
    let drawn: usize = plan.panels.values().map(Vec::len).sum();

    let kib = |value: Option<u64>| value.map_or("?".into(), |kib| kib.to_string());
    println!(
        "Peak RSS before the inputs: {} KiB; the 150 000 generated sheets account for the rest of the first row's start.\n",
        kib(baseline)
    );
    println!("| work | size | time | peak RSS (process) | outcome |");
    println!("|---|---|---:|---:|---|");
    println!(
        "| aggregation (`panel_result` over `PanelScores`, trimmed mean, range rule) | {applications} applications × {experts} experts × {} items | {:.1} ms ({:.2} µs per application); laying the sheets out first (`PanelScores::new`, validating them): {:.0} ms | {} → {} (laid out) → {} KiB | {flagged} items flagged for consensus |",
        items.len(),
        aggregation.as_secs_f64() * 1e3,
        aggregation.as_secs_f64() * 1e6 / applications as f64,
        layout.as_secs_f64() * 1e3,
        kib(before),
        kib(laid_out),
        kib(after),
    );
    println!(
        "| the draw (`auto_assign`, min-cost max-flow) | {needs_count} applications × {pool} experts, 5 each | {:.0} ms | {} KiB | {drawn} drawn, load bound {}, {} speciality matches |",
        draw.as_secs_f64() * 1e3,
        kib(peak_rss_kib()),
        plan.load_bound,
        plan.speciality_matches,
    );
    Ok(())
}
