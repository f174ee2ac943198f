//! Why `merge` refuses its shard reports (exit 6). A leaf of its own: [`super::UsageError`]
//! wraps it, and `merge` itself uses the orchestrator's helpers.

/// Why shard reports cannot be merged: exit 6, before any report.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "nothing to merge: name the JSON report of every shard (`check --shard K/N --format json --output FILE`)"
    )]
    NoReports,
    #[error("cannot read report `{path}`: {message}")]
    Read { path: String, message: String },
    #[error("`{path}` is not a gatelint JSON report: {message}")]
    NotReport { path: String, message: String },
    #[error(
        "`{path}` was written by gatelint {tool} (JSON report version {format}); this is gatelint {ours} (version {our_format}): merge reports of the gatelint that merges them"
    )]
    Version {
        path: String,
        tool: String,
        format: String,
        ours: &'static str,
        our_format: u32,
    },
    #[error(
        "`{path}` is not a shard report (no `shard` section): write each shard with `{command} --shard K/N --format json --output FILE`"
    )]
    NotShard { path: String, command: String },
    #[error(
        "`{path}` (shard {index}/{count}) is not of the run of `{first}`: {what} differ, so the reports are shards of different runs"
    )]
    OtherRun {
        path: String,
        index: u32,
        count: u32,
        first: String,
        what: &'static str,
    },
    #[error("shard {index}/{count} is given twice: `{first}` and `{second}`")]
    Duplicate {
        index: u32,
        count: u32,
        first: String,
        second: String,
    },
    #[error("{} missing: the merge needs all {count} shards of the run (given: {given})", missing_words(.missing, *.count))]
    Missing {
        missing: Vec<u32>,
        count: u32,
        given: String,
    },
    #[error(
        "cannot read `{path}`, a file the shards scanned: {message} (merge reads the scanned files from the checkout the shards ran on; run it there or pass `--root`)"
    )]
    Source { path: String, message: String },
    #[error(
        "`{path}` does not match the shard reports ({message}): merge in a checkout of the commit the shards scanned"
    )]
    Mismatch { path: String, message: String },
}

fn missing_words(missing: &[u32], count: u32) -> String {
    let names: Vec<String> = missing
        .iter()
        .map(|index| format!("{index}/{count}"))
        .collect();
    if names.len() == 1 {
        format!("shard {} is", names.join(""))
    } else {
        format!("shards {} are", names.join(", "))
    }
}
