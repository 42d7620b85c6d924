//! `ailab ask`: one prompt through the tree, headless. The answer goes to stdout, progress to
//! stderr; `--json` streams the events instead. Exit codes: 0 done (or degraded, with a warning),
//! 1 failed, 2 bad input or config, 130 cancelled.

use std::io::{IsTerminal, Read};

use tokio_util::sync::CancellationToken;

use super::args::AskArgs;
use super::printer;
use crate::engine::{Conversation, Engine, EventSink, RunStatus, new_run_id};
use crate::session::stderr::tell;
use crate::session::{Settings, exit};

pub async fn run(settings: Settings, args: AskArgs) -> u8 {
    let (continue_from, prompt) = continue_and_prompt(args.continue_from, args.prompt);
    let prompt = match read_prompt(prompt) {
        Ok(prompt) => prompt,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    let engine = match settings.engine() {
        Ok(engine) => engine,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    let conversation = match continue_from {
        None => Conversation::default(),
        Some(id) => match earlier_turns(&settings, &id, &engine) {
            Ok(conversation) => conversation,
            Err(message) => {
                tell(message);
                return exit::BAD_INPUT;
            }
        },
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
    let summary = engine.run_turn(new_run_id(), prompt, &conversation, &sink, cancel).await;
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

/// `--continue` takes an optional id, so `ailab ask --continue "tell me more"` gives the follow-up
/// as its value: a value that cannot be an id (ids are `last` or digits, letters a–f and dashes)
/// is the prompt, continuing the latest conversation.
fn continue_and_prompt(
    continue_from: Option<String>,
    prompt: Option<String>,
) -> (Option<String>, Option<String>) {
    match (continue_from, prompt) {
        (Some(value), None) if !could_be_an_id(&value) => (Some("last".into()), Some(value)),
        other => other,
    }
}

fn could_be_an_id(value: &str) -> bool {
    let value = value.trim();
    value.eq_ignore_ascii_case("last")
        || value.eq_ignore_ascii_case("latest")
        || (value.starts_with(|c: char| c.is_ascii_digit())
            && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// The recorded conversation the run `id` belongs to, as the next turn will read it. Says on
/// stderr which turn this is, and which members start without earlier turns of their own.
fn earlier_turns(settings: &Settings, id: &str, engine: &Engine) -> Result<Conversation, String> {
    let path = crate::store::db_path(settings.db_path.as_deref())?;
    let reader = crate::store::Reader::open_keeping_damage(&path)
        .map_err(|e| format!("cannot read the conversation to continue: {e}"))?;
    let conversation = reader.conversation(id).map_err(|e| format!("cannot continue: {e}"))?;
    let hierarchy = engine.hierarchy();
    let fresh: Vec<&str> = hierarchy
        .nodes
        .iter()
        .filter(|node| node.id != hierarchy.root().id)
        .filter(|node| !conversation.turns.iter().any(|turn| turn.members.contains_key(&node.id)))
        .map(|node| node.name.as_str())
        .collect();
    tell(format_args!(
        "continuing conversation {} at turn {}",
        conversation.id.as_deref().unwrap_or(id),
        conversation.next_turn()
    ));
    if !fresh.is_empty() {
        tell(format_args!(
            "note: {} joined the team since: they read the earlier questions and answers, not earlier work of their own",
            fresh.join(", ")
        ));
    }
    Ok(conversation)
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
