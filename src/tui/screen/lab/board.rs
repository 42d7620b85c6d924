//! The scoreboard as rows: the judge's results and the user's blind votes apart, each with its
//! table (W/T/L, adjusted win rate, 95% interval, answer length, verdict), bar chart and
//! per-category results; then cost and length per arm, and how to read it all.

use super::chart;
use super::tables::{costs, percent, table};
use crate::lab::report::{PairScore, pair_name};
use crate::lab::{Arm, Scoreboard};
use crate::tui::action::{Action, Context, Lab};
use crate::tui::keymap::Keymap;
use crate::tui::msg::lab::{LabData, NO_RECORD};
use crate::tui::state::lab::LoadState;
use crate::tui::text::cells::paragraph;
use crate::tui::text::wrap::Row;
use crate::tui::theme::Role;

/// The keys the board names, as the keymap has them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hints {
    pub compare: String,
    pub vote: String,
    pub refresh: String,
    pub other_version: String,
}

/// The keys the board's text names, as the keymap binds them.
pub fn hints(keymap: &Keymap) -> Hints {
    let key = |action| keymap.hint(Context::Lab, action).unwrap_or_else(|| "?".into());
    Hints {
        compare: key(Action::Lab(Lab::Compare)),
        vote: key(Action::Lab(Lab::Vote)),
        refresh: key(Action::Lab(Lab::Refresh)),
        other_version: key(Action::Lab(Lab::OtherVersion)),
    }
}

/// Every row of the board at `width`.
pub fn rows(data: Option<&LabData>, load: &LoadState, width: usize, hints: &Hints) -> Vec<Row> {
    let mut out = Vec::new();
    if let LoadState::Failed(message) = load {
        out.extend(paragraph(&[(message, Role::NodeFailed)], width, 0));
        if message != NO_RECORD {
            let again = format!("{} reads the record again.", hints.refresh);
            out.extend(paragraph(&[(&again, Role::Dim)], width, 0));
        }
        out.push(Row::default());
    }
    match data {
        None if !matches!(load, LoadState::Failed(_)) => {
            out.push(Row::plain("Reading the record…", Role::Dim));
        }
        None => {}
        Some(data) if data.comparisons == 0 && data.queue.is_empty() => {
            introduction(&mut out, data, width, hints)
        }
        Some(data) => scoreboard(&mut out, data, width, hints),
    }
    out
}

/// In demo mode, the board shows only the demo's comparisons, and says what they are worth.
fn demo_banner(out: &mut Vec<Row>, data: &LabData, width: usize) {
    if data.judged.demo {
        let text = " DEMO · the demo's comparisons only: scripted answers and a scripted judge, so these \
                    scores mean nothing. Comparisons against a real server are kept apart and show when \
                    ailab runs without --demo.";
        out.extend(paragraph(&[(text, Role::StatusWarn)], width, 0));
        out.push(Row::default());
    }
}

/// Which organization version the scores are of, and where the others are.
fn version_line(out: &mut Vec<Row>, data: &LabData, width: usize, hints: &Hints) {
    let short = |hash: &str| hash.chars().take(8).collect::<String>();
    let mut text = if data.shown_version == data.current_version {
        format!("Organization version {} (as hierarchy.toml is now).", short(&data.shown_version))
    } else {
        format!(
            "Organization version {}: an earlier one, not the one loaded now ({}).",
            short(&data.shown_version),
            short(&data.current_version)
        )
    };
    let others = data.other_versions_comparisons();
    if others > 0 {
        text.push_str(&format!(
            " {others} comparison{} of other versions {} kept apart, never mixed in: {} shows them.",
            plural(others as usize),
            if others == 1 { "is" } else { "are" },
            hints.other_version
        ));
    }
    out.extend(paragraph(&[(&text, Role::Dim)], width, 0));
    out.push(Row::default());
}

/// Which judge's verdicts the scores are (judges are never pooled), when others judged too.
fn judges_line(out: &mut Vec<Row>, data: &LabData, width: usize) {
    let others = data.other_judges();
    if others.is_empty() {
        return;
    }
    let named: Vec<String> =
        others.iter().map(|(judge, n)| format!("{judge} ({n} comparison{})", plural(*n as usize))).collect();
    let first = others.first().map_or("", |(judge, _)| judge.as_str());
    let text = format!(
        "Scores by the judge {}, the one new comparisons use. Verdicts of other judges are kept apart, \
         never mixed in: {}. Start ailab with --judge {first} to see its scores.",
        data.judge_model,
        named.join(", ")
    );
    out.extend(paragraph(&[(&text, Role::Dim)], width, 0));
    out.push(Row::default());
}

/// Which arm is which other organization (`ailab eval --arms tree,tree@seed`), when any was
/// compared: its key names it with its version, this says it in words.
fn organizations(out: &mut Vec<Row>, data: &LabData, width: usize) {
    let others: Vec<&Arm> = data.costs.iter().map(|c| &c.arm).filter(|a| matches!(a, Arm::Org(_))).collect();
    if others.is_empty() {
        return;
    }
    let about = format!(
        " · each run whole on the same server, against {} (tree). After # is the organization's \
         version: an edited one is another arm, never mixed in",
        data.tree_name
    );
    out.extend(paragraph(&[("Other organizations", Role::Heading), (&about, Role::Dim)], width, 2));
    for arm in others {
        let line = [
            ("• ", Role::Dim),
            (arm.as_str(), Role::Title),
            (": ", Role::Dim),
            (&arm.describe(), Role::Text),
        ];
        out.extend(paragraph(&line, width, 2));
    }
    out.push(Row::default());
}

/// The verdict in plain words, and a warning when the judge is one of the models it judges.
fn plain_verdict(out: &mut Vec<Row>, data: &LabData, width: usize) {
    if data.judged.self_judged && !data.judged.demo {
        let text = format!(
            " SELF-JUDGED · the judge ({}) is a model under test: weak evidence. Start ailab with \
             --judge MODEL (another model your server has) for a verdict worth more.",
            data.judge_model
        );
        out.extend(paragraph(&[(&text, Role::StatusWarn)], width, 0));
        out.push(Row::default());
    }
    if data.verdict.is_empty() {
        return;
    }
    out.push(Row::plain("In plain words", Role::Heading));
    for sentence in &data.verdict {
        out.extend(paragraph(&[("• ", Role::Dim), (sentence, Role::Text)], width, 2));
    }
    out.push(Row::default());
}

/// What each parent added over its children's replies (`ailab eval --levels`), when judged.
fn levels(out: &mut Vec<Row>, data: &LabData, width: usize) {
    if data.levels.is_empty() {
        return;
    }
    let about = " · each parent's answer against its children's replies joined, judged in both orders";
    out.extend(paragraph(&[("Value added at each level", Role::Heading), (about, Role::Dim)], width, 2));
    for value in &data.levels {
        out.extend(paragraph(&[("• ", Role::Dim), (&value.line(), Role::Text)], width, 2));
    }
    out.push(Row::default());
}

fn introduction(out: &mut Vec<Row>, data: &LabData, width: usize, hints: &Hints) {
    demo_banner(out, data, width);
    if data.other_versions_comparisons() > 0 {
        out.push(Row::plain("No comparisons of this version of the organization yet.", Role::Heading));
        out.push(Row::default());
        version_line(out, data, width, hints);
    } else {
        out.push(Row::plain("No comparisons in the record yet.", Role::Heading));
        out.push(Row::default());
    }
    let text = format!(
        "Is the tree better than one model alone? Press {} to compare, using the prompt in the Run \
         tab's box: the tree, the root's model alone (solo), and the same number of calls spent as \
         samples plus one aggregating call (compute) each answer it; then the judge ({}) compares \
         every pair twice, in both orders.",
        hints.compare, data.judge_model
    );
    out.extend(paragraph(&[(&text, Role::Text)], width, 0));
    out.push(Row::default());
    let text = format!(
        "Each pair then waits below for your own blind vote ({}). For a whole prompt set, run \
         `ailab eval lab/prompts.toml` in a shell; its results show here too.",
        hints.vote
    );
    out.extend(paragraph(&[(&text, Role::Dim)], width, 0));
}

fn scoreboard(out: &mut Vec<Row>, data: &LabData, width: usize, hints: &Hints) {
    demo_banner(out, data, width);
    version_line(out, data, width, hints);
    judges_line(out, data, width);
    plain_verdict(out, data, width);
    organizations(out, data, width);
    let judged = data.judged.comparisons as usize;
    let about = format!(
        " · {judged} comparison{} · each pair judged twice, in both orders; a disagreement counts as a tie",
        plural(judged)
    );
    out.extend(paragraph(&[("LLM judge", Role::Heading), (&about, Role::Dim)], width, 2));
    if data.judged.pairs.is_empty() {
        let text = "No judged comparisons yet (a comparison is judged once all its arms have answered).";
        out.extend(paragraph(&[(text, Role::Dim)], width, 0));
    } else {
        source(out, &data.judged, width);
    }
    out.push(Row::default());
    levels(out, data, width);

    let votes: u32 = data.voted.pairs.iter().map(|p| p.tally.total()).sum();
    let about = format!(" · {votes} vote{} · latest vote per pair", plural(votes as usize));
    out.extend(paragraph(&[("Your blind votes", Role::Heading), (&about, Role::Dim)], width, 2));
    if data.voted.pairs.is_empty() {
        let text = match data.queue.len() {
            0 => "No votes yet. Every comparison adds its pairs to the queue below.".to_string(),
            n => format!(
                "No votes yet: {} votes blind on the {n} pair{} waiting below.",
                hints.vote,
                plural(n)
            ),
        };
        out.extend(paragraph(&[(&text, Role::Dim)], width, 0));
    } else {
        source(out, &data.voted, width);
        if let Some(text) = agreement_line(data) {
            out.push(Row::default());
            out.extend(paragraph(&[(&text, Role::Text)], width, 0));
        }
    }
    out.push(Row::default());

    out.extend(paragraph(
        &[("Cost and length per arm", Role::Heading), (" · average per answer", Role::Dim)],
        width,
        2,
    ));
    costs(out, &data.costs, width);
    out.push(Row::default());
    let note = "Win rate = (wins + ties/2) / comparisons, for the first arm named; W T L are its wins, \
                ties and losses. The bar runs from the 50% line to the win rate (●); ├─┤ is the range \
                the true rate could plausibly lie in (95% interval). While it crosses 50%, the data cannot tell the arms \
                apart: no significant difference. Words are the average answer length (first:second \
                arm); judges tend to favour longer answers. Where the table is wide enough, calls×, tokens× \
                and time× are the first arm's average cost per answer as a multiple of the second's.";
    out.extend(paragraph(&[(note, Role::Dim)], width, 0));
}

/// "You and the judge agreed on 7 of 10 pairs (kappa 0.52: moderate agreement beyond chance)".
fn agreement_line(data: &LabData) -> Option<String> {
    let a = data.agreement?;
    let mut text = if a.pairs == 0 {
        "You and the judge have no pair in common yet to compare.".to_string()
    } else {
        let kappa = match a.kappa {
            Some(k) => format!(
                " (Cohen's kappa {k:.2}: {} agreement beyond what chance would give)",
                crate::lab::agreement::Agreement::strength(k)
            ),
            None => " (too uniform to measure agreement beyond chance)".to_string(),
        };
        format!(
            "You and the judge agreed on {} of {} pair{}{kappa}.",
            a.agreed,
            a.pairs,
            plural(a.pairs as usize)
        )
    };
    if a.both_bad > 0 {
        text.push_str(&format!(
            " {} pair{} you called both bad {} not counted: the judge cannot say that.",
            a.both_bad,
            plural(a.both_bad as usize),
            if a.both_bad == 1 { "is" } else { "are" }
        ));
    }
    Some(text)
}

/// One source's table, chart and categories.
fn source(out: &mut Vec<Row>, board: &Scoreboard, width: usize) {
    table(out, &board.pairs, &board.costs, width);
    let chart = chart::rows(&board.pairs, width);
    if !chart.is_empty() {
        out.push(Row::default());
        out.extend(chart);
    }
    // What the tallies leave out or lump together: never silently.
    let notes: Vec<(PairScore, Vec<String>)> =
        board.pairs.iter().map(|p| (p.clone(), pair_notes(p))).filter(|(_, n)| !n.is_empty()).collect();
    if !notes.is_empty() {
        out.push(Row::default());
        for (p, notes) in notes {
            let text = format!("{} · {}", pair_name(&p), notes.join(" · "));
            out.extend(paragraph(&[(&text, Role::Dim)], width, 2));
        }
    }
    if board.categories.len() > 1 {
        out.push(Row::default());
        out.push(Row::plain(
            crate::tui::text::wrap::truncate("By category (win rate of the first arm, n)", width),
            Role::Dim,
        ));
        for (category, pairs) in &board.categories {
            let cells: Vec<String> = pairs
                .iter()
                .map(|p| format!("{} {} (n={})", pair_name(p), percent(p.win_rate), p.tally.total()))
                .collect();
            let label = format!("  {category:<14} ");
            out.extend(paragraph(&[(&label, Role::Title), (&cells.join(" · "), Role::Text)], width, 4));
        }
    }
}

/// What a pair's W T L leave out, and where its ties come from, in few words.
fn pair_notes(p: &PairScore) -> Vec<String> {
    let mut notes = Vec::new();
    if p.not_judged > 0 {
        notes.push(format!("{} not judged (not counted)", p.not_judged));
    }
    if p.arm_failed > 0 {
        notes.push(format!("{} with an arm that failed (not counted)", p.arm_failed));
    }
    let t = p.judge_ties;
    let mut ties = Vec::new();
    if t.explicit > 0 {
        ties.push(format!("{} called a tie both times", t.explicit));
    }
    if t.disagreed > 0 {
        ties.push(format!("{} where the pick changed with the order", t.disagreed));
    }
    if t.unreadable > 0 {
        ties.push(format!("{} unreadable", t.unreadable));
    }
    if !ties.is_empty() {
        notes.push(format!("ties: {}", ties.join(", ")));
    }
    if let Some(consistency) = p.consistency {
        let unreliable = if p.unreliable_judge() { ": unreliable" } else { "" };
        notes.push(format!("judge agreed with itself in {}{unreliable}", percent(Some(consistency))));
        if let Some(rate) = p.length_matched_rate {
            notes.push(format!(
                "similar lengths only: {} (n={})",
                percent(Some(rate)),
                p.length_matched.total()
            ));
        }
    }
    notes
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
