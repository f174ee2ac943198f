//! Progress on a terminal: cases done, cases per second and the time left, drawn on standard
//! error by `indicatif` once a run has taken longer than a delay (about a second).
//!
//! The command line decides whether there is a bar at all ([`Progress::for_stderr`]: never on a
//! pipe, in CI or with `-q`); every stage takes a [`Progress`] and calls it, which does nothing
//! without a bar. The bar never touches standard output and is cleared when the run ends, so the
//! report's bytes are the same with or without it.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears, unless `GATELINT_PROGRESS_DELAY_MS` says
/// otherwise (a test sets 0 so that it need not depend on timing).
const DEFAULT_DELAY: Duration = Duration::from_millis(1000);

/// The environment variable that overrides [`DEFAULT_DELAY`], in milliseconds.
pub const DELAY_VARIABLE: &str = "GATELINT_PROGRESS_DELAY_MS";

/// What the run is doing, shown before the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Discovering,
    Checking,
    Replaying,
    Diffing,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Discovering => "discovering",
            Phase::Checking => "checking files",
            Phase::Replaying => "replaying",
            Phase::Diffing => "diffing",
        }
    }
}

/// A handle on the bar, cheap to clone into every stage; the default has no bar.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Bar>>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(bar)"
        } else {
            "Progress(none)"
        })
    }
}

struct Bar {
    bar: ProgressBar,
    start: Instant,
    delay: Duration,
    shown: AtomicBool,
    cases: AtomicU64,
    work: AtomicU64,
    phase: Mutex<Phase>,
}

impl Progress {
    /// A bar on standard error when a person is watching it: standard error is a terminal, `CI`
    /// is not set to a true value, and the run is not `-q`.
    pub fn for_stderr(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let ci = std::env::var("CI").is_ok_and(|value| {
            !value.is_empty() && value != "0" && !value.eq_ignore_ascii_case("false")
        });
        if quiet || ci || !std::io::stderr().is_terminal() {
            return Progress::default();
        }
        let delay = std::env::var(DELAY_VARIABLE)
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
            .map_or(DEFAULT_DELAY, Duration::from_millis);
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style =
            ProgressStyle::with_template("{spinner} {msg} [{wide_bar}] {percent:>3}% ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        Progress(Some(Arc::new(Bar {
            bar,
            start: Instant::now(),
            delay,
            shown: AtomicBool::new(false),
            cases: AtomicU64::new(0),
            work: AtomicU64::new(0),
            phase: Mutex::new(Phase::Discovering),
        })))
    }

    /// Starts a phase; the counts go on across phases.
    pub fn phase(&self, phase: Phase) {
        let Some(bar) = &self.0 else {
            return;
        };
        if let Ok(mut current) = bar.phase.lock() {
            *current = phase;
        }
        bar.update();
    }

    /// Starts replaying, unless the run is diffing (which replays both sides).
    pub fn replaying(&self) {
        let Some(bar) = &self.0 else {
            return;
        };
        if let Ok(mut current) = bar.phase.lock()
            && *current != Phase::Diffing
        {
            *current = Phase::Replaying;
        }
        bar.update();
    }

    /// Adds `bytes` of input still to go through (the suites' sizes): the bar's length, from
    /// which the time left is estimated.
    pub fn add_work(&self, bytes: u64) {
        let Some(bar) = &self.0 else {
            return;
        };
        let total = bar.work.fetch_add(bytes, Ordering::Relaxed) + bytes;
        bar.bar.set_length(total);
        bar.update();
    }

    /// Counts `cases` done over `bytes` of input.
    pub fn advance(&self, cases: u64, bytes: u64) {
        let Some(bar) = &self.0 else {
            return;
        };
        bar.cases.fetch_add(cases, Ordering::Relaxed);
        bar.bar.inc(bytes);
        bar.update();
    }

    /// Says the run is alive (a file found, a directory walked) without counting a case.
    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.update();
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.bar.finish_and_clear();
        }
    }
}

impl Bar {
    fn update(&self) {
        let elapsed = self.start.elapsed();
        if !self.shown.load(Ordering::Relaxed) {
            if elapsed < self.delay {
                return;
            }
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(100));
        }
        let cases = self.cases.load(Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64();
        let rate = if seconds > 0.0 {
            (cases as f64 / seconds).round() as u64
        } else {
            0
        };
        let phase = self
            .phase
            .lock()
            .map_or(Phase::Replaying, |phase| *phase)
            .as_str();
        if cases == 0 {
            self.bar.set_message(format!("{phase}…"));
        } else {
            self.bar
                .set_message(format!("{phase}: {cases} cases done, {rate} cases/s"));
        }
    }
}
