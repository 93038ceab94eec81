//! Where the data comes from: files from disk (checked against a link's)
//! or the built-in market, and what the output says about it.

use crate::plan::{Plan, Source};
use crate::CliError;
use engine::ingest::{load, IngestOptions, InputFile, Report};
use engine::scenario::{FileMatch, FileRef};
use engine::Panel;

/// Where the panel came from, for the output.
pub enum DataInfo {
    Files(Box<Report>),
    Synthetic(engine::synth::MarketParams),
}

pub fn load_panel(plan: &Plan) -> Result<(Panel, DataInfo), CliError> {
    match &plan.source {
        Source::Synthetic(m) => Ok((engine::synth::generate(m), DataInfo::Synthetic(m.clone()))),
        Source::Urls(files) => read(plan, crate::fetch::fetch_all(files)?),
        Source::Files(paths) => {
            let mut contents = Vec::with_capacity(paths.len());
            for p in paths {
                let bytes = std::fs::read(p)
                    .map_err(|e| CliError::Usage(format!("--data {}: cannot read the file: {e}", p.display())))?;
                contents.push((p.display().to_string(), bytes));
            }
            // A link's files are read the sender's way, and checked byte for byte.
            if !plan.link_files.is_empty() {
                let loaded: Vec<FileRef> =
                    contents.iter().map(|(n, b)| FileRef::uploaded(n, engine::share::file_sha256(b))).collect();
                match engine::scenario::match_files(&plan.link_files, &loaded) {
                    FileMatch::Same => eprintln!("same data: every file is byte for byte the link's"),
                    FileMatch::Different => {
                        eprintln!("warning: different data: none of these files is one of the link's")
                    }
                    FileMatch::Partial { differ, extra } => eprintln!(
                        "warning: different data: the link's files that differ or are missing: [{}]; not in the link: [{}]",
                        differ.join(", "),
                        extra.join(", ")
                    ),
                }
            }
            read(plan, contents)
        }
    }
}

/// Parses the files' bytes the plan's way (spikes, format, date order).
fn read(plan: &Plan, contents: Vec<(String, Vec<u8>)>) -> Result<(Panel, DataInfo), CliError> {
    let files: Vec<InputFile> = contents.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    let opts = IngestOptions {
        repair_spikes: !plan.keep_spikes,
        day_first: plan.day_first,
        ever_top: plan.ever_top,
        format: plan.ingest_format,
        ..IngestOptions::default()
    };
    let loaded = load(&files, &opts).map_err(|e| CliError::Run(e.to_string()))?;
    // A script user sees what the loader noticed without opening the JSON.
    for w in &loaded.report.warnings {
        eprintln!("warning: {w}");
    }
    Ok((loaded.panel, DataInfo::Files(Box::new(loaded.report))))
}
