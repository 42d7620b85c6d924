//! `ailab ask` in a conversation: `--continue` a recorded one, `--member` to ask one member alone
//! (an expansion), `--send-up` to have the team take an expanded reply up to a new final answer.

use tokio_util::sync::CancellationToken;

use super::args::AskArgs;
use crate::engine::{Conversation, Engine, EventSink, RunStatus, RunSummary, new_run_id};
use crate::session::Settings;
use crate::session::stderr::tell;

/// What `ailab ask` was asked to do.
pub struct Plan {
    /// The conversation to continue (a run id, a prefix, or `last`); `None` starts one.
    pub continue_from: Option<String>,
    /// The prompt given on the command line (else read from stdin, when one is needed).
    pub prompt: Option<String>,
    /// Ask this member alone.
    pub member: Option<String>,
    pub send_up: bool,
}

impl Plan {
    /// A send-up alone takes no prompt: it sends up the conversation's latest expansion.
    pub fn needs_prompt(&self) -> bool {
        !(self.send_up && self.member.is_none())
    }
}

/// Reads the plan from the arguments. `--member` and `--send-up` work in a conversation, so they
/// continue the latest one unless `--continue` names another.
pub fn plan(args: &AskArgs) -> Result<Plan, String> {
    let (mut continue_from, prompt) = continue_and_prompt(args.continue_from.clone(), args.prompt.clone());
    if (args.member.is_some() || args.send_up) && continue_from.is_none() {
        continue_from = Some("last".into());
    }
    if args.send_up && args.member.is_none() && prompt.is_some() {
        return Err(
            "--send-up without --member takes no prompt: it sends up the conversation's latest expansion \
             (add --member NAME to ask a member first)"
                .into(),
        );
    }
    Ok(Plan { continue_from, prompt, member: args.member.clone(), send_up: args.send_up })
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

/// The conversation the plan continues, read from the record (a new one when it continues none),
/// checked for what the plan asks of it. Says on stderr which turn comes next, and which members
/// start without earlier turns of their own.
pub fn conversation(settings: &Settings, plan: &Plan, engine: &Engine) -> Result<Conversation, String> {
    let Some(id) = plan.continue_from.as_deref() else { return Ok(Conversation::default()) };
    let path = crate::store::db_path(settings.db_path.as_deref())?;
    let reader = crate::store::Reader::open_keeping_damage(&path)
        .map_err(|e| format!("cannot read the conversation to continue: {e}"))?;
    let conversation = reader.conversation(id).map_err(|e| format!("cannot continue: {e}"))?;
    if let Some(member) = &plan.member {
        engine.check_expand(&conversation, member).map_err(|why| format!("cannot ask {member}: {why}"))?;
        if plan.send_up {
            engine.check_send_up(member).map_err(|why| format!("cannot send up: {why}"))?;
        }
    } else if plan.send_up {
        conversation.sendable().map_err(|why| format!("cannot send up: {why}"))?;
    }
    let fresh: Vec<&str> =
        conversation.newcomers(engine.hierarchy()).into_iter().map(|node| node.name.as_str()).collect();
    tell(format_args!(
        "continuing conversation {} at turn {}",
        conversation.id.as_deref().unwrap_or(id),
        conversation.next_turn()
    ));
    if !fresh.is_empty() {
        tell(format_args!(
            "note: {} took no part in the earlier turns (new to the team, or never reached): they read the \
             questions and answers, not earlier work of their own",
            fresh.join(", ")
        ));
    }
    Ok(conversation)
}

/// Runs what the plan asks, as turns of `conversation`: a question to the team, a question to one
/// member, then (with `--send-up`) that reply taken up the tree. The summary of the last turn.
pub async fn take_turns(
    engine: &Engine,
    plan: &Plan,
    prompt: String,
    mut conversation: Conversation,
    sink: &EventSink,
    cancel: CancellationToken,
) -> RunSummary {
    let Some(member) = &plan.member else {
        return match plan.send_up {
            true => engine.send_up(new_run_id(), &conversation, sink, cancel).await,
            false => engine.run_turn(new_run_id(), prompt, &conversation, sink, cancel).await,
        };
    };
    let asked = engine.expand(new_run_id(), &conversation, member, prompt, sink, cancel.clone()).await;
    if !plan.send_up || asked.status != RunStatus::Done {
        return asked;
    }
    // The member answered: the team takes its reply up.
    if let Some(turn) = asked.turn {
        conversation.push(turn);
    }
    engine.send_up(new_run_id(), &conversation, sink, cancel).await
}
