//! MT-Bench's files as FastChat ships them, read as they are: the question file (JSON Lines, one
//! question a line: `question_id`, `category`, `turns`, and for some a `reference` per turn) and the
//! reference-answer file (`question_id`, `choices[0].turns`). Each turn becomes one prompt of the
//! set; a later turn carries the questions before it, so the eval asks it as a follow-up in the same
//! conversation of each arm and judges it on its own. The data is the user's copy: none is shipped.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::prompt_set::{LabPrompt, PromptSet, dedup};

/// One line of the question file. Other fields FastChat may add are ignored.
#[derive(Deserialize)]
struct Question {
    question_id: serde_json::Value,
    category: String,
    turns: Vec<String>,
    #[serde(default)]
    reference: Option<Vec<String>>,
}

/// One line of the reference-answer file (FastChat's model-answer format).
#[derive(Deserialize)]
struct Answer {
    question_id: serde_json::Value,
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    turns: Vec<String>,
}

/// A question of the file, kept by id until references are joined to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MtQuestion {
    /// The id as written (a number in FastChat's files), as text.
    pub id: String,
    pub category: String,
    pub turns: Vec<String>,
    /// The reference per turn, where there is one.
    pub references: Vec<Option<String>>,
}

/// True when `path` names a JSON Lines file (MT-Bench's question format).
pub fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl"))
}

/// Reads the question file's text; `source` names it in messages (`file:line: what is wrong`).
pub fn parse_questions(text: &str, source: &str) -> Result<Vec<MtQuestion>, String> {
    let mut out: Vec<MtQuestion> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{source}:{}", index + 1);
        let question: Question = serde_json::from_str(line).map_err(|e| {
            format!(
                "{at}: not an MT-Bench question ({e}): each line must be one JSON object with question_id, \
                 category and turns (a list of strings)"
            )
        })?;
        let id = id_text(&question.question_id)
            .ok_or_else(|| format!("{at}: question_id must be a number or a string"))?;
        if let Some(first) = out.iter().position(|q| q.id == id) {
            return Err(format!(
                "{at}: question_id {id} is used twice (first by question {} of the file): give each question \
                 its own id",
                first + 1
            ));
        }
        let turns: Vec<String> = question.turns.iter().map(|t| t.trim().to_string()).collect();
        if turns.is_empty() || turns.iter().any(String::is_empty) {
            return Err(format!("{at}: question {id} has an empty turn or none: write every turn's text"));
        }
        let mut references = vec![None; turns.len()];
        for (turn, reference) in question.reference.unwrap_or_default().into_iter().enumerate() {
            if let Some(slot) = references.get_mut(turn) {
                *slot = Some(reference).filter(|r| !r.trim().is_empty());
            }
        }
        out.push(MtQuestion { id, category: question.category.trim().to_string(), turns, references });
    }
    Ok(out)
}

/// Reads the reference-answer file: the turns of each question's first choice, by question id.
pub fn parse_references(text: &str, source: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{source}:{}", index + 1);
        let answer: Answer = serde_json::from_str(line).map_err(|e| {
            format!(
                "{at}: not an MT-Bench reference answer ({e}): each line must be one JSON object with \
                 question_id and choices (a list whose first item has turns)"
            )
        })?;
        let id = id_text(&answer.question_id)
            .ok_or_else(|| format!("{at}: question_id must be a number or a string"))?;
        let turns =
            answer.choices.into_iter().next().map(|c| c.turns).ok_or_else(|| {
                format!("{at}: question {id} has no choices: its answer is choices[0].turns")
            })?;
        out.insert(id, turns);
    }
    Ok(out)
}

/// Gives each question its reference answers from the file (they replace the question file's own),
/// and the reference ids that match no question (the user is warned with them).
pub fn join_references(
    questions: &mut [MtQuestion],
    references: BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let mut unknown = Vec::new();
    for (id, turns) in references {
        let Some(question) = questions.iter_mut().find(|q| q.id == id) else {
            unknown.push(id);
            continue;
        };
        for (slot, reference) in question.references.iter_mut().zip(turns) {
            if !reference.trim().is_empty() {
                *slot = Some(reference);
            }
        }
    }
    unknown
}

/// The questions as prompts: each turn in order, a later turn carrying the questions before it.
pub fn prompts(questions: &[MtQuestion]) -> Vec<LabPrompt> {
    let mut out = Vec::new();
    for question in questions {
        for (turn, text) in question.turns.iter().enumerate() {
            out.push(LabPrompt {
                category: question.category.clone(),
                text: text.clone(),
                reference: question.references.get(turn).cloned().flatten(),
                earlier: question.turns[..turn].to_vec(),
            });
        }
    }
    out
}

/// Reads the question file at `path`, joined with the reference file at `references` if given:
/// the prompts (a repeated one kept once, as [`dedup`] does), with warnings for the user.
pub fn load(path: &Path, references: Option<&Path>) -> Result<PromptSet, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let mut questions = parse_questions(&read(path)?, &path.display().to_string())?;
    if questions.is_empty() {
        return Err(format!(
            "{} has no questions: write one JSON object a line, with question_id, category and turns",
            path.display()
        ));
    }
    let mut warnings = Vec::new();
    if let Some(file) = references {
        let answers = parse_references(&read(file)?, &file.display().to_string())?;
        let unknown = join_references(&mut questions, answers);
        if !unknown.is_empty() {
            warnings.push(format!(
                "{}: reference answers for question id(s) not in {}: {} (left out)",
                file.display(),
                path.display(),
                unknown.join(", ")
            ));
        }
    }
    let mut set = dedup(prompts(&questions), &path.display().to_string());
    warnings.append(&mut set.warnings);
    set.warnings = warnings;
    Ok(set)
}

fn id_text(id: &serde_json::Value) -> Option<String> {
    match id {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"question_id": 81, "category": "writing", "turns": ["Write a haiku about rain.", "Now make it about snow."]}

{"question_id": 111, "category": "math", "turns": ["What is 6 times 7?", "And half of that?"], "reference": ["42", "21"], "extra": 1}
"#;

    #[test]
    fn each_turn_is_a_prompt_and_a_later_turn_carries_the_questions_before_it() {
        let questions = parse_questions(SAMPLE, "q.jsonl").unwrap();
        assert_eq!(questions.len(), 2);
        let prompts = prompts(&questions);
        let texts: Vec<&str> = prompts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Write a haiku about rain.",
                "Now make it about snow.",
                "What is 6 times 7?",
                "And half of that?"
            ]
        );
        assert!(prompts[0].earlier.is_empty());
        assert_eq!(prompts[1].earlier, ["Write a haiku about rain."]);
        assert_eq!(prompts[3].category, "math");
        assert_eq!(prompts[2].reference.as_deref(), Some("42"));
        assert_eq!(prompts[3].reference.as_deref(), Some("21"));
        assert_eq!(prompts[1].reference, None);
    }

    #[test]
    fn a_malformed_line_says_file_line_and_what_is_wrong() {
        let text = "{\"question_id\": 1, \"category\": \"x\", \"turns\": [\"a\"]}\n{\"question_id\": 2, \"turns\": [\"b\"]}\n";
        let err = parse_questions(text, "q.jsonl").unwrap_err();
        assert!(err.starts_with("q.jsonl:2: not an MT-Bench question"), "{err}");
        assert!(err.contains("category"), "{err}");

        let err = parse_questions("not json\n", "q.jsonl").unwrap_err();
        assert!(err.starts_with("q.jsonl:1:"), "{err}");

        let err = parse_questions("{\"question_id\": 1, \"category\": \"x\", \"turns\": []}", "q.jsonl")
            .unwrap_err();
        assert!(err.contains("q.jsonl:1: question 1 has an empty turn"), "{err}");

        let twice = "{\"question_id\": 7, \"category\": \"x\", \"turns\": [\"a\"]}\n{\"question_id\": 7, \"category\": \"x\", \"turns\": [\"b\"]}";
        let err = parse_questions(twice, "q.jsonl").unwrap_err();
        assert!(err.contains("q.jsonl:2: question_id 7 is used twice"), "{err}");

        let err =
            parse_questions("{\"question_id\": null, \"category\": \"x\", \"turns\": [\"a\"]}", "q.jsonl")
                .unwrap_err();
        assert!(err.contains("q.jsonl:1: question_id must be"), "{err}");
    }

    #[test]
    fn the_reference_file_joins_by_id_replaces_the_questions_own_and_names_unknown_ids() {
        let mut questions = parse_questions(SAMPLE, "q.jsonl").unwrap();
        let references = parse_references(
            "{\"question_id\": 81, \"model_id\": \"gpt-4\", \"choices\": [{\"index\": 0, \"turns\": [\"Rain haiku.\", \"Snow haiku.\"]}]}\n\
             {\"question_id\": 111, \"choices\": [{\"turns\": [\"6 × 7 = 42\", \"\"]}]}\n\
             {\"question_id\": 999, \"choices\": [{\"turns\": [\"x\"]}]}\n",
            "ref.jsonl",
        )
        .unwrap();
        let unknown = join_references(&mut questions, references);
        assert_eq!(unknown, ["999"]);
        assert_eq!(questions[0].references, [Some("Rain haiku.".into()), Some("Snow haiku.".into())]);
        // An empty reference turn keeps the question's own.
        assert_eq!(questions[1].references, [Some("6 × 7 = 42".into()), Some("21".into())]);
    }

    #[test]
    fn a_malformed_reference_line_says_file_line_and_what_is_wrong() {
        let err = parse_references("{\"question_id\": 1, \"choices\": []}\n", "ref.jsonl").unwrap_err();
        assert!(err.starts_with("ref.jsonl:1: question 1 has no choices"), "{err}");
        let err = parse_references("\n{\"question_id\": 1}\n", "ref.jsonl").unwrap_err();
        assert!(err.starts_with("ref.jsonl:2: not an MT-Bench reference answer"), "{err}");
    }

    #[test]
    fn a_file_without_questions_is_refused_and_a_repeated_turn_is_kept_once_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.jsonl");
        std::fs::write(&empty, "\n\n").unwrap();
        let err = load(&empty, None).unwrap_err();
        assert!(err.contains("empty.jsonl has no questions"), "{err}");

        let twice = dir.path().join("q.jsonl");
        std::fs::write(
            &twice,
            "{\"question_id\": 1, \"category\": \"x\", \"turns\": [\"Hi\", \"Shorter.\"]}\n\
             {\"question_id\": 2, \"category\": \"x\", \"turns\": [\"Hi\", \"Longer.\"]}\n",
        )
        .unwrap();
        let set = load(&twice, None).unwrap();
        // The same first turn is compared once; each follow-up is its own.
        let texts: Vec<&str> = set.prompts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Hi", "Shorter.", "Longer."]);
        assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
    }
}
