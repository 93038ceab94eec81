//! What the page sends its workers travels as bincode, which cannot skip or
//! flatten fields: every type in those messages must round-trip through it
//! (a field left out by `skip_serializing_if` or read by `flatten` makes the
//! worker fail on every request).

use engine::robustness::{self, Job, JobOutput, RobustnessSpec};
use engine::strategy::{BandMethod, Preset};
use engine::sweep::{SweepDim, SweepSpec};
use engine::{Strategy, Weighting};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(v: &T) {
    let bytes = bincode::serialize(v).expect("encodes");
    let back: T = bincode::deserialize(&bytes).expect("decodes");
    assert_eq!(&back, v);
}

#[test]
fn strategies_specs_jobs_and_outputs_cross_to_workers() {
    let mut s = Strategy::preset(Preset::Top100CapWeekly);
    round_trip(&s);
    s.tranches = 3;
    s.band_method = BandMethod::Edge;
    round_trip(&s);
    round_trip(&SweepSpec {
        base: s.clone(),
        dims: vec![SweepDim::Weighting(vec![Weighting::Equal, Weighting::MarketCap])],
        metric: engine::metrics::MetricId::Cagr,
    });
    round_trip(&RobustnessSpec::default());
    let panel =
        engine::synth::generate(&engine::synth::MarketParams { n_assets: 20, years: 2.0, ..Default::default() });
    let strategies = vec![Strategy::preset(Preset::Top10EqualMonthly), Strategy::preset(Preset::Top100CapWeekly)];
    let spec = RobustnessSpec::default();
    let jobs: Vec<Job> = robustness::jobs(&panel, &strategies, &spec).unwrap();
    round_trip(&jobs);
    for job in jobs.iter().filter(|j| matches!(j, Job::Base { .. } | Job::Offset { .. })).take(3) {
        let out: JobOutput = robustness::run_job(&panel, &strategies, &spec, job);
        round_trip(&out);
    }
}
