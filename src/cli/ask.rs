//! `ailab ask`: one prompt through the tree, headless. The answer goes to stdout, progress to
//! stderr; `--json` streams the events instead. Exit codes: 0 done (or degraded, with a warning),
//! 1 failed, 2 bad input or config, 130 cancelled.

use std::io::{IsTerminal, Read};

use tokio_util::sync::CancellationToken;

use super::args::AskArgs;
use super::follow_up;
use super::printer;
use crate::engine::{EventSink, RunStatus};
use crate::session::stderr::tell;
use crate::session::{Settings, exit};

pub async fn run(settings: Settings, args: AskArgs) -> u8 {
    let plan = match follow_up::plan(&args) {
        Ok(plan) => plan,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    // A send-up alone asks nothing new: there is no prompt to read.
    let prompt = if plan.needs_prompt() {
        match read_prompt(plan.prompt.clone()) {
            Ok(prompt) => prompt,
            Err(message) => {
                tell(message);
                return exit::BAD_INPUT;
            }
        }
    } else {
        String::new()
    };
    let engine = match settings.engine() {
        Ok(engine) => engine,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    let conversation = match follow_up::conversation(&settings, &plan, &engine) {
        Ok(conversation) => conversation,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    if settings.demo && !args.json {
        tell("DEMO MODE: scripted offline answers, not a real model.");
    }

    let sink = EventSink::new();
    // The record opens in the background: a locked or very large record never holds up the run.
    let recording = crate::session::record::start_opening(&settings, &sink);
    let printer = if args.json {
        Some(tokio::spawn(printer::json_lines(sink.subscribe())))
    } else if !args.quiet {
        let hierarchy = settings.hierarchy.clone();
        let events = sink.subscribe();
        Some(tokio::spawn(async move { printer::progress(events, &hierarchy).await }))
    } else {
        None
    };

    let cancel = CancellationToken::new();
    tokio::spawn(super::interrupt::cancel_on_ctrl_c(cancel.clone(), "cancelling…"));
    let summary = follow_up::take_turns(&engine, &plan, prompt, conversation, &sink, cancel).await;
    // Closing the sink ends the printer's stream once it has printed everything.
    drop(sink);
    if let Some(printer) = printer {
        let _ = printer.await;
    }
    // The answer first: recording may still wait for a record another ailab holds locked.
    let code = report(summary, args.json);
    recording.finish(crate::session::LOCKED_GRACE).await;
    code
}

/// Prints the answer (or why there is none) and returns the exit code.
fn report(summary: crate::engine::RunSummary, json: bool) -> u8 {
    match summary.status {
        RunStatus::Done | RunStatus::Degraded => {
            if summary.status == RunStatus::Degraded {
                tell("warning: the run is degraded: some branches failed; the answer is partial.");
            }
            if !json {
                say!("{}", summary.answer.unwrap_or_default().trim_end());
            }
            exit::OK
        }
        RunStatus::Cancelled => {
            tell("cancelled.");
            exit::CANCELLED
        }
        _ => {
            let reason = summary.error.unwrap_or_else(|| "the run failed".into());
            tell(format_args!("the run failed: {reason}"));
            exit::FAILED
        }
    }
}

/// The prompt from the argument, or from stdin when it is piped.
fn read_prompt(arg: Option<String>) -> Result<String, String> {
    let prompt = match arg {
        Some(prompt) => prompt,
        None if std::io::stdin().is_terminal() => {
            return Err(
                "no prompt: give one (`ailab ask \"Why is the sky blue?\"`) or pipe it on stdin".into()
            );
        }
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the prompt from stdin: {e}"))?;
            text
        }
    };
    if prompt.trim().is_empty() {
        return Err("the prompt is empty: write a question or task for the team".into());
    }
    Ok(prompt.trim().to_string())
}
