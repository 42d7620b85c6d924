//! `ailab eval`: the experiment from the command line. Resumable: finished arms and verdicts are
//! kept in the record and never redone; Ctrl-C stops after saving what finished.

use std::io::{IsTerminal, Write};

use tokio_util::sync::CancellationToken;

use super::args::EvalArgs;
use super::{Settings, exit};
use crate::engine::{EventSink, hierarchy_hash};
use crate::lab::{self, Arm, EvalOptions, Progress, prompt_set};
use crate::store::{self, LabRecord, Reader};

pub async fn run(settings: Settings, args: EvalArgs) -> u8 {
    match prepare(&settings, &args) {
        Ok(plan) => execute(settings, args, plan).await,
        Err(message) => {
            eprintln!("ailab: {message}");
            exit::BAD_INPUT
        }
    }
}

struct Plan {
    prompts: Vec<lab::LabPrompt>,
    options: EvalOptions,
    db: std::path::PathBuf,
}

fn prepare(settings: &Settings, args: &EvalArgs) -> Result<Plan, String> {
    if settings.no_record {
        return Err("eval keeps its results in the record so it can resume; leave out --no-record".into());
    }
    let mut prompts = prompt_set::load(&args.prompts_file)?;
    if let Some(limit) = args.limit {
        prompts.truncate(limit.max(1));
    }
    let arms = Arm::parse_list(&args.arms)?;
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    let judge_model = settings.judge_model();
    Ok(Plan {
        prompts,
        options: EvalOptions { arms, repeat: args.repeat, judge_model },
        db: store::db_path(settings.db_path.as_deref())?,
    })
}

async fn execute(settings: Settings, args: EvalArgs, plan: Plan) -> u8 {
    let engine = match settings.engine() {
        Ok(engine) => engine,
        Err(message) => {
            eprintln!("ailab: {message}");
            return exit::BAD_INPUT;
        }
    };
    let mut reader = match Reader::open(&plan.db) {
        Ok(reader) => reader,
        Err(error) => {
            eprintln!("ailab: {error}");
            return exit::FAILED;
        }
    };
    if settings.hierarchy.nodes.iter().any(|n| n.model == plan.options.judge_model) {
        eprintln!(
            "ailab: note: the judge ({}) is also a model under test; pass --judge MODEL to use another.",
            plan.options.judge_model
        );
    }
    if settings.demo {
        eprintln!("ailab: DEMO MODE: scripted answers and a scripted judge; the scores mean nothing.");
    }
    let sink = EventSink::new();
    let recorder = super::record::start(&settings, &sink);
    let cancel = CancellationToken::new();
    tokio::spawn(super::interrupt::cancel_on_ctrl_c(cancel.clone(), "stopping after saving what finished…"));

    let mut store = LabRecord { reader: &mut reader, hierarchy_hash: hierarchy_hash(&settings.hierarchy) };
    let mut bar = ProgressBar::new(std::io::stderr().is_terminal());
    let outcome = lab::run_eval(
        &engine,
        &sink,
        &mut store,
        &plan.prompts,
        &plan.options,
        &mut |p| bar.show(&p),
        &cancel,
    )
    .await;
    bar.finish();
    drop(sink);
    if let Some(recorder) = recorder {
        recorder.finish().await;
    }
    let results = match outcome {
        Ok(results) => results,
        Err(message) => {
            eprintln!("ailab: the evaluation stopped: {message}");
            return exit::FAILED;
        }
    };
    let board = lab::scoreboard(&results);
    if args.json {
        let comparisons: Vec<serde_json::Value> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "comparison": r.comparison,
                    "prompt": r.prompt,
                    "repeat": r.repeat,
                    "arms": r.arms.iter().map(|(a, res)| serde_json::json!({"arm": a, "result": res})).collect::<Vec<_>>(),
                    "outcomes": r.outcomes.iter().map(|((x, y), o)| serde_json::json!({"x": x, "y": y, "outcome": o})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let json = serde_json::json!({ "judge_model": plan.options.judge_model, "scoreboard": board, "comparisons": comparisons });
        say!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
    } else {
        say!("{}", lab::render_table(&board, &plan.options.judge_model).trim_end());
    }
    if cancel.is_cancelled() {
        eprintln!("ailab: cancelled; finished work is saved: run the same command again to resume.");
        return exit::CANCELLED;
    }
    exit::OK
}

/// A one-line progress bar on a terminal; plain lines otherwise.
struct ProgressBar {
    terminal: bool,
    drawn: bool,
}

impl ProgressBar {
    fn new(terminal: bool) -> Self {
        Self { terminal, drawn: false }
    }

    fn show(&mut self, p: &Progress) {
        let resumed = if p.resumed { " (saved)" } else { "" };
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let width = 24;
            let filled = (p.done * width) / p.total.max(1);
            let bar: String = "█".repeat(filled) + &"░".repeat(width - filled);
            let _ = write!(err, "\r\x1b[2K{bar} {}/{} {}{resumed}", p.done, p.total, p.label);
            self.drawn = true;
        } else {
            let _ = writeln!(err, "[{}/{}] {}{resumed}", p.done, p.total, p.label);
        }
        let _ = err.flush();
    }

    fn finish(&mut self) {
        if self.drawn {
            eprintln!();
        }
    }
}
