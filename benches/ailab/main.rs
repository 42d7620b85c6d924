//! ailab's benchmark suite (issue 7). One command:
//!
//! ```text
//! cargo bench --bench ailab                 # everything, about 3 minutes
//! cargo bench --bench ailab -- --quick      # fewer repetitions, about a minute
//! cargo bench --bench ailab -- render 4     # only some sections, by name or number
//! ```
//!
//! A hand-written `main` (harness = false) rather than criterion: the figures asked for are ratios
//! of multi-second runs measured within one run (wall ÷ critical path, on ÷ off), CPU time per
//! thread, and process-level figures (startup of the real binary, peak RSS), none of which is a
//! function timed in a loop. Each section prints its rows as it ends; the whole table is printed
//! at the end as Markdown (and written to `target/ailab-bench/results.md`).

#[path = "../../tests/support/screen.rs"]
mod screen;
#[path = "../../tests/support/mod.rs"]
mod support;
#[path = "../../tests/support/tmux.rs"]
mod tmux;

mod delegation_frame;
mod history;
mod history_db;
mod history_text;
mod live;
mod measure;
mod mock;
mod orchestration;
mod proc_cpu;
mod real_cost;
mod real_server;
mod render;
mod report;
mod runs;
mod startup;

use std::process::ExitCode;
use std::time::Instant;

use report::Report;

/// Re-runs of this binary with this flag do the memory probe of the History section.
pub const WORKLOAD_FLAG: &str = "--history-workload";

/// How the suite was asked to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Fewer repetitions (also `AILAB_BENCH_QUICK=1`).
    pub quick: bool,
    /// Sections to run (all when empty).
    pub only: Vec<Section>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overhead,
    Delegation,
    Render,
    History,
    Recording,
    RealServer,
    Live,
    RealCost,
}

const SECTIONS: &[(Section, &str, &str, &str)] = &[
    (Section::Overhead, "1", "overhead", "orchestration overhead"),
    (Section::Delegation, "2", "delegation", "streaming delegation"),
    (Section::Render, "3", "render", "rendering"),
    (Section::History, "4", "history", "history at scale"),
    (Section::Recording, "5", "recording", "recording overhead"),
    (Section::RealServer, "6", "real-server", "real server"),
    (Section::Live, "7", "live", "the live view in a real terminal, against aichat"),
    (
        Section::RealCost,
        "8",
        "real-cost",
        "the shipped tree on a real server: loop guard, cost against one model",
    ),
];

const USAGE: &str = "usage: cargo bench --bench ailab [-- [--quick] [SECTION...]]
sections (names or numbers): 1 overhead, 2 delegation, 3 render, 4 history, 5 recording, 6 real-server, 7 live,
    8 real-cost (minutes per run: the shipped tree at its own settings, guard on/off, solo)
env: AILAB_BENCH_QUICK=1 (same as --quick), AILAB_BENCH_SERVER=URL (items 6 and 8, default http://127.0.0.1:1234/v1),
     AILAB_BENCH_AICHAT=PATH (item 7: aichat 0.30's binary, the reference peer)";

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        quick: std::env::var("AILAB_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0"),
        only: Vec::new(),
    };
    for arg in args {
        match arg.as_str() {
            // cargo passes --bench to harness = false benches.
            "--bench" => {}
            "--quick" | "-q" => options.quick = true,
            "-h" | "--help" => return Err(String::new()),
            name => {
                let found = SECTIONS.iter().find(|(_, number, short, _)| name == *number || name == *short);
                match found {
                    Some((section, ..)) => options.only.push(*section),
                    None => return Err(format!("unknown section or option \"{name}\"")),
                }
            }
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some(WORKLOAD_FLAG) {
        let path = args.nth(1).unwrap_or_default();
        println!("{}", history::workload(std::path::Path::new(&path)));
        return ExitCode::SUCCESS;
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("ailab bench: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut report = Report::default();
    let started = Instant::now();
    for (section, number, _, title) in SECTIONS {
        if !options.only.is_empty() && !options.only.contains(section) {
            continue;
        }
        if options.only.is_empty() && *section == Section::RealCost {
            // Tens of minutes on a CPU: run only when asked for by name.
            report.skip(number, "runs only when named (`cargo bench --bench ailab -- real-cost`)");
            continue;
        }
        eprintln!("\n[{number}] {title}{}", if options.quick { " (quick)" } else { "" });
        let began = Instant::now();
        match section {
            Section::Overhead => orchestration::overhead(&options, &mut report),
            Section::Delegation => orchestration::delegation(&options, &mut report),
            Section::Render => render::run(&options, &mut report),
            Section::History => history::run(&options, &mut report),
            Section::Recording => orchestration::recording(&options, &mut report),
            Section::RealServer => real_server::run(&options, &mut report),
            Section::Live => live::run(&options, &mut report),
            Section::RealCost => real_cost::run(&options, &mut report),
        }
        eprintln!("  ({:.1} s)", began.elapsed().as_secs_f64());
    }
    let table = report.markdown();
    println!("\n{table}");
    let misses = report.misses();
    println!(
        "{} figures, {} bars missed, {:.0} s in all{}",
        report.rows.len(),
        misses.len(),
        started.elapsed().as_secs_f64(),
        if options.quick { " (quick)" } else { "" }
    );
    let dir = delegation_frame::out_dir();
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("results.md"), &table);
    }
    ExitCode::SUCCESS
}
