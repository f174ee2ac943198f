//! The replay of `diff`: one pass over a suite, each case read once and decided on both sides
//! (the baseline's and the candidate's view of the files the suite names), the two results
//! handed on in input order. JSONL suites stream in batches as `test` does, so the memory a
//! suite needs is one batch, whatever its size.

use std::path::Path;

use rayon::prelude::*;

use super::case::{Engine, Evaluated, Exercised, run_case_pair, run_line_pair};
use super::coverage::Coverage;
use super::error::ReplayError;
use super::outcome::CaseResult;
use super::run::{Run, TestOptions, as_u64};
use super::suite;
use crate::source::{Files, Reader};

/// One case decided on both sides.
pub struct PairedCase {
    pub baseline: CaseResult,
    pub candidate: CaseResult,
    /// What the caller's `environment` made of the case's merged input (for a Stella Ops line
    /// read straight into the typed input: its `environment`, lower case).
    pub environment: String,
}

/// Replays the suite at `path` on both sides in one pass: every case is decided against the
/// `baseline` and the `candidate` options' files and evaluators, `map` turns each pair into a
/// `T` (in parallel), and `sink` receives them in input order. `environment` names a case's
/// environment from its merged input. Returns the candidate side's coverage.
///
/// A suite that cannot be replayed on either side is an error, the candidate side's first (the
/// order in which two separate replays would meet them); what `sink` received before a read
/// error is the caller's to discard. Shards and `keep_passed` do not apply: every case is
/// handed on.
pub fn replay_pair<T: Send>(
    path: &Path,
    baseline: &TestOptions<'_>,
    candidate: &TestOptions<'_>,
    environment: &(dyn Fn(&serde_json::Value) -> String + Sync),
    map: &(dyn Fn(PairedCase) -> T + Sync),
    sink: &mut dyn FnMut(T),
) -> Result<Vec<Coverage>, ReplayError> {
    let own_new;
    let new_files: &dyn Files = match candidate.files {
        Some(files) => files,
        None => {
            own_new = Reader::new(&[path.to_path_buf()]);
            &own_new
        }
    };
    let own_old;
    let old_files: &dyn Files = match baseline.files {
        Some(files) => files,
        None => {
            own_old = Reader::new(&[path.to_path_buf()]);
            &own_old
        }
    };
    let mut new = Run::new(candidate, new_files);
    let mut old = Run::new(baseline, old_files);
    let semantics = &candidate.semantics;
    let progress = &candidate.progress;
    let size = std::fs::metadata(new_files.reader().absolute(path)).map_or(0, |meta| meta.len());
    progress.add_work(size);
    progress.replaying();
    // Each pair mapped; the candidate side's coverage kept for the serial record.
    let pair = |(old, new, environment): (Evaluated, Evaluated, String)| -> (T, Exercised) {
        let Evaluated {
            result, exercised, ..
        } = new;
        let mapped = map(PairedCase {
            baseline: old.result,
            candidate: result,
            environment,
        });
        (mapped, exercised)
    };
    if suite::is_jsonl(path) {
        let mut stream = suite::JsonlSuite::open(new_files.reader(), path)?;
        let (new_engine, policies) = new.engine(path, &stream.header)?;
        let old_engine = match old.engine(path, &stream.header) {
            Ok((engine, _)) => engine,
            Err(error) => {
                // The candidate side would have met a read error of the suite first.
                while !stream.next_batch(4096)?.is_empty() {}
                return Err(error);
            }
        };
        let defaults = suite::Defaults::new(&stream.header.defaults);
        loop {
            let batch = stream.next_batch(candidate.batch_size.max(1))?;
            if batch.is_empty() {
                break;
            }
            let bytes: usize = batch.iter().map(|raw| raw.text.len() + 1).sum();
            let count = batch.len();
            let mapped: Vec<(T, Exercised)> = batch
                .into_par_iter()
                .map(|raw| {
                    pair(run_line_pair(
                        &old_engine,
                        &new_engine,
                        raw,
                        &defaults,
                        semantics,
                        environment,
                    ))
                })
                .collect();
            progress.advance(as_u64(count), as_u64(bytes));
            for (item, exercised) in mapped {
                new.cover(&policies, &exercised);
                sink(item);
            }
        }
        return Ok(new.coverage.into_values().collect());
    }
    let display = path.display().to_string();
    let bytes = new_files.reader().read(path)?;
    let text = String::from_utf8(bytes).map_err(|_| ReplayError::NotUtf8 {
        path: display.clone(),
    })?;
    let document = suite::parse_document(&display, &text)?;
    let (new_engine, policies): (Engine<'_>, Vec<String>) = new.engine(path, &document.header)?;
    let (old_engine, _) = old.engine(path, &document.header)?;
    let mapped: Vec<(T, Exercised)> = document
        .cases
        .into_par_iter()
        .map(|case| {
            pair(run_case_pair(
                &old_engine,
                &new_engine,
                case,
                semantics,
                environment,
            ))
        })
        .collect();
    progress.advance(as_u64(mapped.len()), as_u64(text.len()));
    for (item, exercised) in mapped {
        new.cover(&policies, &exercised);
        sink(item);
    }
    Ok(new.coverage.into_values().collect())
}
