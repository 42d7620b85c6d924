//! The line (or two) above the scoreboard: the comparison running, step by step with the arm
//! streaming now, or how the last one ended.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::lab::verdict::Outcome;
use crate::tui::action::{Action, Context, Lab, Run};
use crate::tui::format;
use crate::tui::msg::lab::ComparisonEnd;
use crate::tui::state::State;
use crate::tui::state::lab::{ComparisonRun, LastComparison};
use crate::tui::text::cells::{RowBuilder, paragraph};
use crate::tui::text::wrap::Row;
use crate::tui::theme::Role;
use crate::tui::view::draw_rows;

pub fn draw(frame: &mut Frame, rect: Rect, state: &State) {
    let width = rect.width.saturating_sub(2) as usize;
    let rows = match (&state.lab.comparison, &state.lab.last) {
        (Some(run), _) => running(run, state, width, rect.height),
        (None, Some(last)) => ended(last, state, width),
        (None, None) => Vec::new(),
    };
    let area = Rect::new(rect.x + 1, rect.y, rect.width.saturating_sub(2), rect.height);
    let rows: Vec<Row> = rows.into_iter().take(rect.height as usize).collect();
    draw_rows(frame.buffer_mut(), area, &rows, state.theme());
}

fn running(run: &ComparisonRun, state: &State, width: usize, height: u16) -> Vec<Row> {
    let cancel = state.keymap.hint(Context::Lab, Action::Run(Run::CancelOrBack)).unwrap_or_default();
    let mut first = RowBuilder::new(width);
    first.push(format::spinner(state.now_ms), Role::NodeAnswering).push(" ", Role::Text);
    if run.cancelling {
        first.push("Cancelling the comparison… finished steps stay saved.", Role::StatusWarn);
        return vec![first.build()];
    }
    let sample = match run.comparison {
        Some((_, repeat)) if repeat > 1 => format!(" (sample {repeat})"),
        _ => String::new(),
    };
    let resumed = if run.resumed { " · resuming" } else { "" };
    first.push("Comparing ", Role::Title);
    let tail =
        format!("{sample}{resumed} · {} · {cancel} cancels", format::duration(state.now_ms - run.started_ms));
    let room = width.saturating_sub(first.width() + tail.chars().count() + 2).max(8);
    first.push(&format!("“{}”", crate::text::one_line(&run.prompt, room)), Role::Text);
    first.push(&tail, Role::Dim);

    let mut second = RowBuilder::new(width);
    let steps = if run.total > 0 { format!(" {}/{} steps", run.done, run.total) } else { " starting".into() };
    let bar_width = 16.min(width / 4);
    if bar_width >= 4 {
        let filled = (run.done * bar_width).checked_div(run.total).unwrap_or(0).min(bar_width);
        second.push(&"█".repeat(filled), Role::Accent).push(&"░".repeat(bar_width - filled), Role::Dim);
    }
    second.push(&steps, Role::Metrics);
    if let Some(live) = &run.live {
        let arm = match live.kind.as_str() {
            "judge" => "the judge".to_string(),
            other => format!("the {other} arm"),
        };
        second.push(" · now ", Role::Dim).push(&arm, Role::NodeAnswering);
        let facts = format!(
            ": {} call{}, {} tokens, {}",
            live.calls,
            if live.calls == 1 { "" } else { "s" },
            format::thousands(u64::from(live.tokens)),
            format::duration(state.now_ms - live.started_ms)
        );
        second.push(&facts, Role::Metrics);
        if live.kind == "tree" {
            second.push(" (watch it in the Run tab)", Role::Dim);
        }
    } else if let Some(step) = &run.last_step {
        second.push(&format!(" · done: {step}"), Role::Dim);
    }
    if height >= 2 { vec![first.build(), second.build()] } else { vec![second.build()] }
}

fn outcome_words(x: &crate::lab::Arm, y: &crate::lab::Arm, outcome: Outcome) -> String {
    match outcome {
        Outcome::First => format!("{x} vs {y}: {x} won"),
        Outcome::Second => format!("{x} vs {y}: {y} won"),
        Outcome::Tie | Outcome::BothBad => format!("{x} vs {y}: tie"),
    }
}

fn ended(last: &LastComparison, state: &State, width: usize) -> Vec<Row> {
    let prompt = format!("“{}”", crate::text::one_line(&last.prompt, 40));
    match &last.end {
        ComparisonEnd::Finished { outcomes, failed_arms, .. } => {
            let verdicts: Vec<String> = outcomes.iter().map(|((x, y), o)| outcome_words(x, y, *o)).collect();
            let mut pieces = vec![
                ("✔ Compared ".to_string(), Role::NodeDone),
                (prompt, Role::Text),
                (format!(" in {}. ", format::duration(last.took_ms)), Role::Dim),
            ];
            if verdicts.is_empty() {
                pieces.push(("Nothing to judge: fewer than two arms answered.".into(), Role::StatusWarn));
            } else {
                pieces.push(("Judge: ".into(), Role::Dim));
                pieces.push((verdicts.join(" · "), Role::Text));
                pieces.push((". ".into(), Role::Text));
            }
            if !failed_arms.is_empty() {
                let names: Vec<&str> = failed_arms.iter().map(|a| a.as_str()).collect();
                pieces.push((format!("Failed: {} (see History). ", names.join(", ")), Role::NodeFailed));
            }
            let vote = state.keymap.hint(Context::Lab, Action::Lab(Lab::Vote)).unwrap_or_default();
            pieces.push((format!("Now vote blind: {vote}."), Role::KeyHint));
            let refs: Vec<(&str, Role)> = pieces.iter().map(|(t, r)| (t.as_str(), *r)).collect();
            paragraph(&refs, width, 2)
        }
        ComparisonEnd::Cancelled => paragraph(
            &[
                ("⊘ Comparison of ", Role::NodeCancelled),
                (&prompt, Role::Text),
                (" cancelled. Finished steps are saved: compare the same prompt again to resume.", Role::Dim),
            ],
            width,
            2,
        ),
        ComparisonEnd::Failed(message) => {
            paragraph(&[("✖ The comparison stopped: ", Role::NodeFailed), (message, Role::Text)], width, 2)
        }
    }
}
