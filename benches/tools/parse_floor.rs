//! The parse floor of a JSONL fixture suite: every line read with serde_json into
//! `serde::de::IgnoredAny`, on every core of the rayon pool, the file streamed in fixed-size
//! chunks as `gatelint test` streams it. What replaying a suite cannot beat; see
//! `scripts/bench-replay.sh` and docs/benchmarks.md.
//!
//! usage: cargo run --release --example parse_floor -- SUITE.jsonl...

#![allow(clippy::expect_used, reason = "a measuring tool: a failure ends it")]

use std::io::Read as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::de::IgnoredAny;

/// Bytes read per step; each step's whole lines are parsed in parallel.
const CHUNK: usize = 8 << 20;

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: parse_floor SUITE.jsonl...");
        std::process::exit(2);
    }
    for path in &paths {
        let (lines, invalid) = parse_file(path);
        println!("{path}: {lines} lines, {invalid} not JSON");
        if invalid > 0 {
            std::process::exit(1);
        }
    }
}

/// (non-empty lines, lines that are not JSON) of the file at `path`.
fn parse_file(path: &str) -> (usize, usize) {
    let mut file = std::fs::File::open(path).expect("open the suite");
    let lines = AtomicUsize::new(0);
    let invalid = AtomicUsize::new(0);
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK * 2);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let read = file.read(&mut chunk).expect("read the suite");
        let done = read == 0;
        buffer.extend_from_slice(chunk.get(..read).unwrap_or_default());
        // Whole lines only, unless the file has ended.
        let end = if done {
            buffer.len()
        } else {
            match buffer.iter().rposition(|byte| *byte == b'\n') {
                Some(at) => at + 1,
                None => continue,
            }
        };
        let (whole, _) = buffer.split_at(end);
        whole
            .par_split(|byte| *byte == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .for_each(|line| {
                lines.fetch_add(1, Ordering::Relaxed);
                if serde_json::from_slice::<IgnoredAny>(line).is_err() {
                    invalid.fetch_add(1, Ordering::Relaxed);
                }
            });
        buffer.drain(..end);
        if done {
            break;
        }
    }
    (lines.into_inner(), invalid.into_inner())
}
