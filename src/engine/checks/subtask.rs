//! Is a sub-task read from a split worth a child's time? Small models fill splits with
//! placeholders (`task_1`), loops, descriptions of themselves, the prompt's own instructions, the
//! same sub-task twice, or text about something else. Such a sub-task is rejected and the child
//! gets the whole task framed by its role (`Task::fallback`), with the reason on the record.
//!
//! The checks are lenient on purpose: a good sub-task rejected costs more than a weak one kept
//! (the child would answer the whole task instead of its part), so each check needs a clear sign,
//! and "nothing in common with the task" spares anything shaped like a task (an instruction or a
//! question), since a good sub-task may name its part in words the task never used.

use std::collections::HashSet;

use super::words::{
    borrowed_share, content_stems, instruction_trigrams, loops, shares_a_stem, stem_set, trigrams, words,
};

/// Words that make a sub-task a placeholder when nothing else is left (`Task 1`, `sub-task for Nova`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "task",
    "tasks",
    "subtask",
    "subtasks",
    "sub",
    "part",
    "parts",
    "item",
    "items",
    "step",
    "steps",
    "string",
    "strings",
    "text",
    "placeholder",
    "todo",
    "tbd",
    "member",
    "members",
    "number",
    "insert",
    "here",
    "the",
    "for",
    "of",
    "your",
    "this",
    "a",
    "an",
    "to",
    "do",
    "n",
    "none",
    "null",
    "undefined",
    "example",
    "topic",
    "question",
    "answer",
    "role",
    "team",
    "json",
    "array",
    "and",
    "is",
    "one",
    "two",
];

/// First words that make a text an instruction or a question: the shape of a real sub-task.
const TASK_OPENERS: &[&str] = &[
    "explain",
    "describe",
    "discuss",
    "list",
    "identify",
    "outline",
    "analyze",
    "analyse",
    "compare",
    "contrast",
    "evaluate",
    "assess",
    "examine",
    "explore",
    "investigate",
    "research",
    "summarize",
    "summarise",
    "consider",
    "reflect",
    "provide",
    "give",
    "suggest",
    "propose",
    "recommend",
    "define",
    "detail",
    "find",
    "determine",
    "design",
    "develop",
    "create",
    "write",
    "build",
    "plan",
    "show",
    "illustrate",
    "highlight",
    "clarify",
    "review",
    "map",
    "estimate",
    "calculate",
    "measure",
    "argue",
    "justify",
    "predict",
    "address",
    "focus",
    "tell",
    "look",
    "think",
    "ask",
    "answer",
    "offer",
    "share",
    "present",
    "break",
    "gather",
    "collect",
    "test",
    "check",
    "search",
    "study",
    "trace",
    "weigh",
    "judge",
    "interpret",
    "imagine",
    "question",
    "challenge",
    "recognize",
    "recognise",
    "note",
    "state",
    "cover",
    "work",
    "help",
    "teach",
    "apply",
    "use",
    "draft",
    "sketch",
    "set",
    "choose",
    "select",
    "rank",
    "prioritize",
    "prioritise",
    "break",
    "what",
    "why",
    "how",
    "which",
    "who",
    "when",
    "where",
    "is",
    "are",
    "does",
    "do",
    "can",
    "should",
    "could",
    "would",
    "will",
];

/// Words by which a text speaks of itself rather than of the task ("I am here to assist").
const SELF_WORDS: &[&str] = &["i", "me", "my", "myself", "assist", "assistant", "assisting"];

/// Leading words skipped before looking for a task's opener (`For Nova: explain …`).
const LEAD_INS: &[&str] = &["for", "to", "as", "member", "task", "subtask", "sub", "part", "step"];

/// Why a sub-task was not given to its child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// An identifier or a stand-in (`task_1`, `nova_123`, `Task 1`, a single word).
    Placeholder,
    /// Only the team list or members' names and roles.
    NamesTeam,
    /// The same words over and over.
    Loops,
    /// A member describing itself ("Quantum, a brilliant mind of an AI, is here to assist me").
    DescribesMember,
    /// The split prompt's own instructions written back.
    EchoesInstructions,
    /// Nearly the same as the sub-task of the sibling named.
    SameAs(String),
    /// Shares no word with the task it divides and is not shaped like a task.
    Unrelated,
}

impl Rejection {
    /// The reason as the record and the pane give it: `the sub-task "task_1" was a placeholder`.
    pub fn explain(&self, sub_task: &str) -> String {
        let quoted = excerpt(sub_task, 40);
        let why = match self {
            Rejection::Placeholder => "was a placeholder".to_string(),
            Rejection::NamesTeam => "only named team members".to_string(),
            Rejection::Loops => "repeated itself".to_string(),
            Rejection::DescribesMember => "only described a team member".to_string(),
            Rejection::EchoesInstructions => "repeated the split's instructions".to_string(),
            Rejection::SameAs(sibling) => format!("was nearly the same as {sibling}'s"),
            Rejection::Unrelated => "had nothing in common with the task".to_string(),
        };
        format!("the sub-task \"{quoted}\" {why}")
    }
}

/// A member of the team, as the checks know it.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub name: &'a str,
    pub role: &'a str,
    /// Its system prompt: what a model describing the member echoes.
    pub system: &'a str,
}

/// What one split's sub-tasks are checked against.
pub struct SubtaskCheck {
    /// Stems of the task being divided and of the user's question.
    reference: HashSet<String>,
    /// Word triples of the split template's own instructions.
    instructions: HashSet<String>,
    /// Word triples of the members' system prompts.
    descriptions: HashSet<String>,
    /// Members' names, lowercase.
    names: HashSet<String>,
    /// The task or the question repeats itself (a sub-task quoting it would seem to loop).
    task_loops: bool,
    /// Words of members' names and roles, lowercase.
    team_words: HashSet<String>,
}

impl SubtaskCheck {
    /// `task` is the task being divided, `query` the user's question, `template` the split's
    /// template (its placeholders are skipped), `team` every member of the hierarchy.
    pub fn new(task: &str, query: &str, template: &str, team: &[Member<'_>]) -> Self {
        let mut reference = stem_set(task);
        reference.extend(stem_set(query));
        let descriptions = team.iter().flat_map(|m| trigrams(&words(m.system))).collect();
        let names = team.iter().flat_map(|m| words(m.name)).collect();
        let team_words = team.iter().flat_map(|m| words(m.name).into_iter().chain(words(m.role))).collect();
        let task_loops = loops(task) || loops(query);
        Self {
            reference,
            instructions: instruction_trigrams(template),
            descriptions,
            names,
            task_loops,
            team_words,
        }
    }

    /// Every sub-task of a split in order, each named for its child: `None` for one to use, or
    /// why not. A sub-task is compared with the earlier ones that were accepted, so of two
    /// near-duplicates the first is kept.
    pub fn check_all(&self, tasks: &[String], children: &[&str]) -> Vec<Option<Rejection>> {
        let mut accepted: Vec<(&str, &str)> = Vec::new();
        let mut out = Vec::with_capacity(tasks.len());
        for (index, task) in tasks.iter().enumerate() {
            let verdict = self.check(task, &accepted);
            if verdict.is_none() {
                accepted.push((children.get(index).copied().unwrap_or("another member"), task));
            }
            out.push(verdict);
        }
        out
    }

    /// One sub-task, given the accepted sub-tasks of earlier siblings as (name, sub-task).
    pub fn check(&self, task: &str, earlier: &[(&str, &str)]) -> Option<Rejection> {
        let all = words(task);
        let stems = content_stems(task);
        if is_placeholder(task, &all) {
            return Some(Rejection::Placeholder);
        }
        if self.only_team_words(&all) {
            return Some(Rejection::NamesTeam);
        }
        // A sub-task may quote a task that repeats itself; only its own loops count.
        if !self.task_loops && loops(task) {
            return Some(Rejection::Loops);
        }
        let (echoed, echoes) = borrowed_share(&all, &self.instructions);
        if echoes >= 2 && echoed >= 0.6 {
            return Some(Rejection::EchoesInstructions);
        }
        // With too few words in the task and the question to compare with, nothing counts as off-topic.
        let on_topic = self.reference.len() < 2 || shares_a_stem(&stems, &self.reference);
        let task_shaped = self.task_shaped(task);
        let (described, descriptions) = borrowed_share(&all, &self.descriptions);
        let speaks_of_a_member =
            all.iter().any(|w| self.names.contains(w) || SELF_WORDS.contains(&w.as_str()));
        if (descriptions >= 2 && described >= 0.5 && !on_topic)
            || (speaks_of_a_member && !on_topic && !task_shaped)
        {
            return Some(Rejection::DescribesMember);
        }
        if let Some((sibling, _)) = earlier.iter().find(|(_, other)| self.near_duplicates(task, other)) {
            return Some(Rejection::SameAs(sibling.to_string()));
        }
        // Too few words of its own to judge ("the technical half" names a part in two words): kept.
        let beyond_team: Vec<&str> =
            all.iter().filter(|w| !self.team_words.contains(*w)).map(String::as_str).collect();
        if !on_topic && !task_shaped && stem_set(&beyond_team.join(" ")).len() >= 3 {
            return Some(Rejection::Unrelated);
        }
        None
    }

    fn only_team_words(&self, all: &[String]) -> bool {
        all.iter().filter(|w| !self.team_words.contains(*w)).map(|w| w.chars().count()).sum::<usize>() < 3
    }

    /// Asks something: a question mark, or a clause that opens with an instruction or a question
    /// word once any member's name, role and lead-in words are passed (`Technical: explain …`).
    fn task_shaped(&self, task: &str) -> bool {
        task.contains('?')
            || task.split([':', '.', ';', '!', '\n', '(', '–', '—']).any(|clause| {
                words(clause)
                    .into_iter()
                    .find(|w| !self.team_words.contains(w) && !LEAD_INS.contains(&w.as_str()))
                    .is_some_and(|first| TASK_OPENERS.contains(&first.as_str()))
            })
    }

    /// Two sub-tasks that say the same beyond the task they both divide: their own words (the
    /// task's and the question's left out) nearly all shared; or, when neither adds a word of
    /// its own, both restating the task.
    fn near_duplicates(&self, a: &str, b: &str) -> bool {
        let own = |text: &str| -> HashSet<String> {
            stem_set(text).into_iter().filter(|s| !self.reference.contains(s)).collect()
        };
        let (own_a, own_b) = (own(a), own(b));
        if own_a.is_empty() && own_b.is_empty() {
            return jaccard(&stem_set(a), &stem_set(b)) >= 0.8;
        }
        jaccard(&own_a, &own_b) >= 0.8
    }
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// One token (`task_1`, `nova_123`, `Cost`), or nothing left once stand-in words and numbers go.
fn is_placeholder(task: &str, all: &[String]) -> bool {
    let token = task.trim().trim_matches(|c: char| !c.is_alphanumeric());
    if !token.contains(char::is_whitespace) {
        return true;
    }
    all.iter().all(|w| PLACEHOLDER_WORDS.contains(&w.as_str()))
}

fn excerpt(text: &str, max_chars: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &flat[..end]),
        None => flat,
    }
}

#[cfg(test)]
#[path = "subtask_tests.rs"]
mod tests;
