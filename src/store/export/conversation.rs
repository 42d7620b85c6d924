//! A whole conversation written out: Markdown that reads as the dialogue (you, then the team, then
//! you…) with each turn's run folded below its answer, and JSON with every turn in full.

use std::fmt::Write;

use super::{Format, JSON_FORMAT_VERSION, markdown, to_json};
use crate::engine::TurnKind;
use crate::store::model::RunRecord;

impl Format {
    /// The turns of one conversation (in order) in this format.
    pub fn render_conversation(self, turns: &[RunRecord]) -> String {
        match self {
            Format::Markdown => crate::text::sanitize::plain(&dialogue(turns)),
            Format::Json => {
                let value = serde_json::json!({
                    "format_version": JSON_FORMAT_VERSION,
                    "conversation": turns.first().map(|t| t.run.conversation.clone()),
                    "turns": turns.iter().map(to_json).collect::<Vec<_>>(),
                });
                let json = serde_json::to_string_pretty(&value).unwrap_or_default();
                crate::text::sanitize::json_escape_c1(json) + "\n"
            }
        }
    }

    /// The default file name of a conversation's export: `ailab-conversation-<id>.<ext>`.
    pub fn conversation_file_name(self, conversation: &str) -> String {
        format!("ailab-conversation-{conversation}.{}", self.extension())
    }
}

fn dialogue(turns: &[RunRecord]) -> String {
    let mut md = String::new();
    let id = turns.first().map_or("", |t| t.run.conversation.as_str());
    let _ = writeln!(md, "# ailab conversation {id}\n");
    let _ =
        writeln!(md, "{} turn(s). Each answer is followed by how the team got there, folded.\n", turns.len());
    for record in turns {
        let run = &record.run;
        let (you, team) = match run.turn_kind {
            TurnKind::Question => ("You".to_string(), "The team".to_string()),
            TurnKind::Expansion => (format!("You, to {} alone", run.root), run.root.clone()),
            TurnKind::Resynthesis => {
                ("You sent the reply up".to_string(), "The team, taking it up".to_string())
            }
        };
        let _ = writeln!(md, "## Turn {}\n", run.turn);
        let _ = writeln!(md, "**{you}:**\n");
        for line in run.prompt.trim().lines() {
            let _ = writeln!(md, "> {line}");
        }
        let _ = writeln!(md, "\n**{team}:**\n");
        match &record.answer {
            Some(answer) => {
                md.push_str(answer.trim_end());
                md.push('\n');
            }
            None => {
                let _ = writeln!(md, "*(no answer: the turn ended {})*", run.status.as_str());
            }
        }
        let _ = writeln!(md, "\n<details><summary>How the team got there (run {})</summary>\n", run.id);
        // The run's own document, its headings one level down.
        for line in markdown(record).lines() {
            if line.starts_with('#') {
                let _ = writeln!(md, "##{line}");
            } else {
                let _ = writeln!(md, "{line}");
            }
        }
        md.push_str("\n</details>\n\n");
    }
    md
}
