//! `ailab eval … --report FILE.md`: the experiment written up as a Markdown lab report a person can
//! keep or share: what was compared and how, the scores, what they cost, the verdict in plain
//! words, and what the numbers cannot say.

use std::fmt::Write as _;

use super::levels::MemberValue;
use super::report::Scoreboard;

/// What was run, for the report's setup section.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The server's base URL, or "demo".
    pub server: String,
    /// (member, model), in tree order.
    pub members: Vec<(String, String)>,
    pub judge: String,
    /// The tree under test in words ("the lean tree", "your tree").
    pub tree_name: String,
    /// The organization's version (its hierarchy hash): results of other versions are not mixed in.
    pub version: String,
    /// The other organizations run as arms (`--arms tree,tree@seed`), in the order given.
    pub others: Vec<OtherOrganization>,
    pub prompt_set: String,
    pub prompts: usize,
    pub repeat: u32,
    pub arms: Vec<String>,
    /// When the report was written, as the user reads times.
    pub written: String,
    /// The value each parent added over its children's replies (`--levels`), or `None` when not
    /// asked for.
    pub levels: Option<Vec<MemberValue>>,
}

/// Another organization run as an arm, as the setup names it.
#[derive(Debug, Clone)]
pub struct OtherOrganization {
    /// Its arm as the tables name it: `tree@seed#1a2b3c4d`.
    pub arm: String,
    /// "the seed's organization".
    pub name: String,
    /// "preset seed", or the file's path.
    pub origin: String,
    /// Its whole hierarchy hash.
    pub version: String,
    /// (member, model), in tree order.
    pub members: Vec<(String, String)>,
}

/// The report. `table` is the scoreboard as the terminal printed it; `verdict` the plain words.
pub fn markdown(board: &Scoreboard, setup: &Setup, table: &str, verdict: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# ailab lab report\n\n{}\n", setup.written);
    let _ = writeln!(out, "## In plain words\n");
    if verdict.is_empty() {
        let _ = writeln!(out, "Nothing has been judged yet.");
    }
    for sentence in verdict {
        let _ = writeln!(out, "- {sentence}");
    }
    let _ = writeln!(out, "\n## Setup\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Server | {} |", cell(&setup.server));
    let _ = writeln!(
        out,
        "| Organization under test | {} (arm `tree`), version `{}` |",
        cell(&setup.tree_name),
        cell(&setup.version)
    );
    let _ = writeln!(out, "| Members | {} |", cell(&members(&setup.members)));
    for other in &setup.others {
        let _ = writeln!(
            out,
            "| Compared with | {} (arm `{}`, {}), version `{}`; members: {}; on the same server |",
            cell(&other.name),
            cell(&other.arm),
            cell(&other.origin),
            cell(&other.version),
            cell(&members(&other.members))
        );
    }
    let self_judged = if board.self_judged { " (a model under test: self-judged)" } else { "" };
    let _ = writeln!(out, "| Judge | {}{self_judged}, both orders of every pair |", cell(&setup.judge));
    let _ = writeln!(
        out,
        "| Prompt set | {} ({} prompts, each run {} time(s)) |",
        cell(&setup.prompt_set),
        setup.prompts,
        setup.repeat
    );
    let _ = writeln!(out, "| Arms | {} |", cell(&setup.arms.join(", ")));
    let _ = writeln!(out, "\n## Scores\n\n```text\n{}\n```", table.trim_end());
    if let Some(levels) = &setup.levels {
        let _ = writeln!(
            out,
            "\n## Value added at each level\n\nEach parent's answer against its children's replies joined, \
             on the parent's own task, judged in both orders (a pick that changed with the order is a tie).\n"
        );
        if levels.is_empty() {
            let _ = writeln!(out, "No parent has been judged yet.");
        }
        for value in levels {
            let _ = writeln!(out, "- {}", value.line());
        }
    }
    let _ = writeln!(out, "\n## What these numbers cannot say\n");
    for caveat in caveats(board, setup) {
        let _ = writeln!(out, "- {caveat}");
    }
    crate::text::sanitize::plain(&out)
}

/// "Atlas: phi-3, Nova: phi-3".
fn members(members: &[(String, String)]) -> String {
    members.iter().map(|(name, model)| format!("{name}: {model}")).collect::<Vec<_>>().join(", ")
}

/// A table cell: one line, no pipe to break the row.
fn cell(text: &str) -> String {
    crate::text::one_line(text, 200).replace('|', "\\|")
}

fn caveats(board: &Scoreboard, setup: &Setup) -> Vec<String> {
    let mut out = vec![
        "A win rate is counted from a small sample: the interval beside it is where the true rate could \
         plausibly lie, and no winner is named while it includes 50%."
            .to_string(),
        "Each pair was judged twice with the answers swapped; a pick that changed with the order counts as a \
         tie (judges tend to prefer whichever answer they read first)."
            .to_string(),
        "Judges tend to prefer longer answers: compare the words column, and the win rate among answers of \
         similar length."
            .to_string(),
    ];
    if board.self_judged {
        out.push("The judge is one of the models under test: it may favour answers like its own.".into());
    }
    if board.pairs.iter().any(|p| p.unreliable_judge()) {
        out.push(
            "The judge agreed with itself in fewer than 60% of pairs: its verdicts are close to chance."
                .into(),
        );
    }
    if !board.accuracy.is_empty() {
        out.push(
            "Right answers are checked by matching the reference's words or number in the answer (yes/no must \
             open it): an answer that states it in other words counts as wrong, and one that mentions it in \
             passing counts as right."
                .into(),
        );
    }
    if board.turns.len() > 1 {
        out.push(
            "A follow-up (turn 2) is judged on its own, but each arm answered it after its own first turn: \
             an arm that went wrong on turn 1 starts turn 2 behind."
                .into(),
        );
    }
    if board.turns.len() > 1 && setup.levels.is_some() {
        out.push(
            "The value added at each level counts every turn's tree run together. A follow-up's parents \
             are judged on that turn alone: each parent's answer against its children's replies of that \
             turn, on the task it was given in that turn, with the earlier turns not shown to the judge \
             (a reply that leans on them can read as thinner than it was)."
                .into(),
        );
    }
    if !setup.others.is_empty() {
        out.push(
            "Another organization's arm runs on the same server with its own members and prompts; the \
             parts and the value added at each level are read from the tree under test only."
                .into(),
        );
    }
    if board.max_repeat > 1 {
        out.push(
            "Repeats of a prompt are not independent samples: the interval is narrower than the evidence."
                .into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_the_verdict_setup_scores_and_caveats_and_no_terminal_controls() {
        let board = Scoreboard {
            pairs: Vec::new(),
            costs: Vec::new(),
            categories: Default::default(),
            turns: Default::default(),
            accuracy: Vec::new(),
            comparisons: 2,
            max_repeat: 1,
            demo: false,
            self_judged: true,
        };
        let setup = Setup {
            server: "http://127.0.0.1:1234/v1".into(),
            members: vec![("Atlas".into(), "phi|3".into())],
            judge: "phi\u{1b}[2J".into(),
            tree_name: "the lean tree".into(),
            version: "abc123".into(),
            others: vec![OtherOrganization {
                arm: "tree@seed#1a2b3c4d".into(),
                name: "the seed's organization".into(),
                origin: "preset seed".into(),
                version: "1a2b3c4d5e6f".into(),
                members: vec![("Atlas".into(), "phi-3".into()), ("Nova".into(), "qwen".into())],
            }],
            prompt_set: "lab/prompts.toml".into(),
            prompts: 2,
            repeat: 1,
            arms: vec!["tree".into(), "solo".into()],
            written: "Written 2026-12-06 21:00 UTC".into(),
            levels: Some(vec![MemberValue {
                node: "nova".into(),
                name: "Nova".into(),
                tally: crate::lab::stats::Tally { wins: 6, ties: 3, losses: 1 },
            }]),
        };
        let text = markdown(&board, &setup, "tree vs solo  1 0 1", &["The team was not better.".into()]);
        assert!(text.starts_with("# ailab lab report"), "{text}");
        assert!(text.contains("## In plain words\n\n- The team was not better."), "{text}");
        assert!(text.contains("| Members | Atlas: phi\\|3 |"), "{text}");
        assert!(text.contains("self-judged") && text.contains("```text\ntree vs solo  1 0 1\n```"), "{text}");
        assert!(text.contains("## What these numbers cannot say"), "{text}");
        assert!(
            text.contains("## Value added at each level\n\n")
                && text.contains("- Nova: better than its parts in 6 of 10, 3 ties, 1 worse"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(
            text.contains("| Organization under test | the lean tree (arm `tree`), version `abc123` |"),
            "{text}"
        );
        assert!(
            text.contains(
                "| Compared with | the seed's organization (arm `tree@seed#1a2b3c4d`, preset seed), version \
                 `1a2b3c4d5e6f`; members: Atlas: phi-3, Nova: qwen; on the same server |"
            ),
            "{text}"
        );
        assert!(text.contains("read from the tree under test only"), "{text}");
        assert!(!text.contains("counts every turn's tree run"), "one turn only: {text}");
    }

    #[test]
    fn with_follow_ups_and_levels_the_caveats_say_how_each_turns_levels_were_judged() {
        let board = Scoreboard {
            pairs: Vec::new(),
            costs: Vec::new(),
            categories: Default::default(),
            turns: [(1, Vec::new()), (2, Vec::new())].into_iter().collect(),
            accuracy: Vec::new(),
            comparisons: 4,
            max_repeat: 1,
            demo: false,
            self_judged: false,
        };
        let mut setup = Setup {
            server: "demo".into(),
            members: Vec::new(),
            judge: "judge".into(),
            tree_name: "your tree".into(),
            version: "v".into(),
            others: Vec::new(),
            prompt_set: "question.jsonl".into(),
            prompts: 4,
            repeat: 1,
            arms: vec!["tree".into(), "solo".into()],
            written: String::new(),
            levels: Some(Vec::new()),
        };
        let text = markdown(&board, &setup, "", &[]);
        assert!(
            text.contains("- The value added at each level counts every turn's tree run together."),
            "{text}"
        );
        assert!(text.contains("with the earlier turns not shown to the judge"), "{text}");
        setup.levels = None;
        assert!(!markdown(&board, &setup, "", &[]).contains("counts every turn's tree run"));
    }
}
