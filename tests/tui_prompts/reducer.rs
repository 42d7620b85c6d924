//! Reducer tests: editing, validation, saving, leaving with unsaved edits, versions, compare.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::config::edit::{Field, PromptField};
use ailab::engine::{RunStatus, hierarchy_hash};
use ailab::store::RunRow;
use ailab::tui::msg::{Effect, Msg, PromptsEffect, PromptsMsg, SaveOutcome};
use ailab::tui::state::health::{EndpointHealth, HealthReport};
use ailab::tui::state::prompts::{Dialog, Leave, PromptsFocus};
use ailab::tui::state::{Level, Tab};

use super::fixture::*;

const SYSTEM: Field = Field::Prompt(PromptField::System);
const ANSWER: Field = Field::Prompt(PromptField::Answer);

#[test]
fn the_tab_opens_the_file_and_asks_how_many_runs_used_this_version() {
    let mut s = state(120, 40);
    let effects = press(&mut s, KeyCode::F(3));
    assert_eq!(s.tab, Tab::Prompts);
    let hash = hierarchy_hash(&s.hierarchy);
    assert_eq!(
        effects,
        vec![
            Effect::Prompts(PromptsEffect::Open),
            Effect::Prompts(PromptsEffect::CountVersion { hash: hash.clone() })
        ]
    );
    update(&mut s, opened());
    assert_eq!(s.prompts.selected, "atlas");
    update(&mut s, Msg::Prompts(PromptsMsg::VersionUsage { hash, result: Ok(12) }));
    assert_eq!(s.prompts.usage.runs, Some(Ok(12)));
    // F3 goes back to the Run tab; a second visit reads the file again (it may have changed
    // outside ailab), and the same file changes nothing.
    assert!(press(&mut s, KeyCode::F(3)).is_empty());
    assert_eq!(s.tab, Tab::Run);
    let again = press(&mut s, KeyCode::F(3));
    assert!(again.contains(&Effect::Prompts(PromptsEffect::Open)), "{again:?}");
    select(&mut s, "echo");
    assert!(update(&mut s, opened()).is_empty());
    assert_eq!(s.prompts.selected, "echo");
}

#[test]
fn typing_marks_the_field_and_member_unsaved_and_save_writes_the_file() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, SYSTEM);
    typing(&mut s, "Always be brief. ");
    let draft = s.prompts.draft().unwrap();
    assert!(
        draft.is_field_dirty("echo", SYSTEM) && draft.is_node_dirty("echo") && !draft.is_node_dirty("pixel")
    );
    assert!(draft.field_text("echo", SYSTEM).unwrap().starts_with("Always be brief. You are Echo"));

    let effects = ctrl(&mut s, 's');
    let text = saved_text(&effects).expect("a save");
    let Some(Effect::Prompts(PromptsEffect::Save { path, expected, hierarchy, .. })) = effects.first() else {
        panic!("one save: {effects:?}")
    };
    assert_eq!((path.to_str(), expected), (Some(SAVE_PATH), &None));
    // The save carries the tree the draft holds, which is what the text parses to: the shell
    // does not read the text again.
    let parsed = ailab::config::parse_hierarchy(&text, SAVE_PATH).unwrap();
    assert_eq!((&hierarchy.nodes, &hierarchy.server), (&parsed.nodes, &parsed.server));
    assert!(text.contains("Always be brief. You are Echo") && s.prompts.saving);
    assert_eq!(s.notice, None, "nothing is said before the shell has saved and rebuilt the engine");

    // One reply: written, and the next run's engine rebuilt from it.
    let effects = update(&mut s, written(&text));
    assert!(!s.prompts.is_dirty() && !s.prompts.saving);
    assert!(s.notice.as_ref().unwrap().text.contains("The next run uses these prompts"));
    let saved = Arc::new(parsed);
    assert_eq!(s.hierarchy, saved);
    let hash = hierarchy_hash(&saved);
    assert_eq!(
        effects,
        vec![Effect::CheckHealth { deep: false }, Effect::Prompts(PromptsEffect::CountVersion { hash })]
    );
}

#[test]
fn a_save_the_engine_cannot_use_says_runs_keep_the_previous_prompts() {
    let mut s = on_prompts(120, 40);
    let before = s.hierarchy.clone();
    focus_field(&mut s, SYSTEM);
    typing(&mut s, "x");
    let text = saved_text(&ctrl(&mut s, 's')).expect("a save");
    let why = "--base-url is not a URL".to_string();
    let result = Ok(SaveOutcome::NotInUse(why));
    let effects = update(&mut s, Msg::Prompts(PromptsMsg::Saved { path: SAVE_PATH.into(), text, result }));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!s.prompts.is_dirty(), "the file is saved");
    assert_eq!(s.hierarchy, before, "the next run keeps the engine it had");
    let notice = s.notice.as_ref().unwrap();
    assert_eq!(notice.level, Level::Error);
    assert!(notice.text.contains("cannot use it yet: --base-url is not a URL"), "{}", notice.text);
    assert!(notice.text.contains("Runs keep the previous prompts"), "{}", notice.text);
}

#[test]
fn a_failed_save_keeps_the_edits_and_says_why() {
    let mut s = on_prompts(120, 40);
    focus_field(&mut s, SYSTEM);
    typing(&mut s, "x");
    let text = saved_text(&ctrl(&mut s, 's')).unwrap();
    let result = Err("cannot save /x: the disk is full; the file was not changed".to_string());
    update(&mut s, Msg::Prompts(PromptsMsg::Saved { path: SAVE_PATH.into(), text, result }));
    assert!(s.prompts.is_dirty());
    let notice = s.notice.as_ref().unwrap();
    assert_eq!(notice.level, Level::Error);
    assert!(notice.text.contains("Not saved: cannot save /x: the disk is full"), "{}", notice.text);
}

#[test]
fn a_template_with_a_wrong_placeholder_is_explained_and_blocks_saving() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    update(&mut s, edited("echo", ANSWER, "Do this: {taks}"));
    let draft = s.prompts.draft().unwrap();
    let problems: Vec<&str> =
        draft.field_problems("echo", ANSWER).iter().map(|p| p.message.as_str()).collect();
    assert!(problems[0].contains("{taks} is not a placeholder of the answer phase"), "{problems:?}");
    assert!(problems[1].contains("the answer template must contain {task}"), "{problems:?}");
    assert_eq!(draft.field_problems("echo", ANSWER)[0].help.as_deref(), Some("did you mean {task}?"));

    press(&mut s, KeyCode::Esc);
    select(&mut s, "atlas");
    let effects = ctrl(&mut s, 's');
    assert!(saved_text(&effects).is_none(), "{effects:?}");
    let notice = s.notice.as_ref().unwrap();
    assert!(
        notice.text.starts_with("Cannot save yet: Echo · Answer: {taks} is not a placeholder"),
        "{}",
        notice.text
    );
    // The field that blocks saving is shown.
    assert_eq!((s.prompts.selected.as_str(), s.prompts.focus), ("echo", PromptsFocus::Field(ANSWER)));

    // Fixing it makes it savable again.
    update(&mut s, edited("echo", ANSWER, "Do this: {task}"));
    assert!(s.prompts.draft().unwrap().can_save());
    assert!(saved_text(&ctrl(&mut s, 's')).unwrap().contains("Do this: {task}"));
}

#[test]
fn settings_are_checked_as_typed() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, Field::Temperature);
    typing(&mut s, "x");
    let problems = s.prompts.draft().unwrap().field_problems("echo", Field::Temperature).to_vec();
    assert!(
        problems[0].message.contains("temperature must be a number, like 0.7, not \"0.4x\""),
        "{problems:?}"
    );
    press(&mut s, KeyCode::Backspace);
    assert!(!s.prompts.is_dirty(), "typing the saved value back leaves nothing to save");
    // Up and Down move between one-line fields.
    press(&mut s, KeyCode::Down);
    assert_eq!(s.prompts.focused_field(), Some(Field::TopP));
}

#[test]
fn undo_and_redo_work_per_field() {
    let mut s = on_prompts(120, 40);
    focus_field(&mut s, SYSTEM);
    typing(&mut s, "abc");
    for _ in 0..3 {
        ctrl(&mut s, 'z');
    }
    assert!(!s.prompts.is_dirty());
    ctrl(&mut s, 'y');
    assert!(s.prompts.draft().unwrap().field_text("atlas", SYSTEM).unwrap().starts_with('a'));
}

#[test]
fn an_editor_change_is_one_step_of_undo_and_redo() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, SYSTEM);
    let before = s.prompts.editors.text("echo", SYSTEM).unwrap();
    typing(&mut s, "Hi. ");
    let typed = s.prompts.editors.text("echo", SYSTEM).unwrap();
    // $EDITOR changed a word in the middle and added a line at the end.
    let outside = format!("{}\nBe brief.", typed.replace("implementation specialist", "builder"));
    ctrl(&mut s, 'o');
    update(&mut s, edited("echo", SYSTEM, &outside));
    let text = |s: &ailab::tui::state::State| s.prompts.draft().unwrap().field_text("echo", SYSTEM).unwrap();
    assert_eq!(text(&s), outside.trim());

    ctrl(&mut s, 'z');
    assert_eq!(
        s.prompts.editors.text("echo", SYSTEM).unwrap(),
        typed,
        "one undo takes the whole change back"
    );
    assert_eq!(text(&s), typed.trim());
    ctrl(&mut s, 'y');
    assert_eq!(text(&s), outside.trim(), "and one redo brings it again");
    ctrl(&mut s, 'z');
    for _ in 0.."Hi. ".len() {
        ctrl(&mut s, 'z');
    }
    assert_eq!(s.prompts.editors.text("echo", SYSTEM).unwrap(), before, "typing before it undoes as usual");
    assert!(!s.prompts.is_dirty());

    // A text the editor only shortened or lengthened is one step as it is.
    update(&mut s, edited("echo", SYSTEM, &format!("{before} More.")));
    ctrl(&mut s, 'z');
    assert_eq!(s.prompts.editors.text("echo", SYSTEM).unwrap(), before);

    // A one-line field set from outside undoes the same way.
    press(&mut s, KeyCode::Esc);
    select(&mut s, "pixel");
    focus_field(&mut s, Field::Model);
    update(&mut s, edited("pixel", Field::Model, "phi-4"));
    ctrl(&mut s, 'z');
    assert_eq!(s.prompts.editors.text("pixel", Field::Model).as_deref(), Some("phi-3.1-mini-4k-instruct"));
    assert!(!s.prompts.is_dirty());
}

#[test]
fn critique_switches_and_reflect_brings_its_templates_into_the_form() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "nova");
    assert!(!s.prompts.fields().contains(&Field::Prompt(PromptField::Critique)));
    focus_field(&mut s, Field::Critique);
    press(&mut s, KeyCode::Char(' '));
    let fields = s.prompts.fields();
    assert!(
        fields.contains(&Field::Prompt(PromptField::Critique))
            && fields.contains(&Field::Prompt(PromptField::Revise))
    );
    focus_field(&mut s, Field::Reflect);
    press(&mut s, KeyCode::Backspace);
    typing(&mut s, "1");
    assert!(s.prompts.fields().contains(&Field::Prompt(PromptField::Reflect)));
    // A leaf has nobody to critique: no switch for it.
    press(&mut s, KeyCode::Esc);
    select(&mut s, "echo");
    assert!(!s.prompts.fields().contains(&Field::Critique));
}

#[test]
fn the_model_is_picked_from_what_the_server_serves() {
    let mut s = on_prompts(120, 40);
    let models = vec!["phi-3.1-mini-4k-instruct".to_string(), "phi-3.1-mini-4k-instruct:2".to_string()];
    let report = HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![EndpointHealth { url: "http://localhost:1234/v1".into(), models: Ok(models) }],
        missing: Vec::new(),
    };
    update(&mut s, Msg::Health(report));
    select(&mut s, "pixel");
    focus_field(&mut s, Field::Model);
    press(&mut s, KeyCode::Enter);
    let Some(Dialog::Pick(pick)) = &s.prompts.dialog else { panic!("{:?}", s.prompts.dialog) };
    assert_eq!(pick.items.len(), 2);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    let draft = s.prompts.draft().unwrap();
    assert_eq!(draft.hierarchy().node("pixel").unwrap().model, "phi-3.1-mini-4k-instruct:2");
    assert_eq!(s.prompts.editors.text("pixel", Field::Model).as_deref(), Some("phi-3.1-mini-4k-instruct:2"));
}

#[test]
fn quitting_with_unsaved_edits_asks_and_save_then_quits() {
    let mut s = on_prompts(120, 40);
    focus_field(&mut s, SYSTEM);
    typing(&mut s, "x");
    press(&mut s, KeyCode::F(3));
    assert!(matches!(s.prompts.dialog, Some(Dialog::Unsaved { then: Leave::Tab(Tab::Run), .. })));
    press(&mut s, KeyCode::Esc);
    let effects = ctrl(&mut s, 'q');
    assert!(!effects.contains(&Effect::Quit), "{effects:?}");
    assert!(matches!(s.prompts.dialog, Some(Dialog::Unsaved { then: Leave::Quit, .. })));
    assert_eq!(s.tab, Tab::Prompts);
    let effects = press(&mut s, KeyCode::Char('s'));
    let text = saved_text(&effects).expect("save");
    assert!(s.prompts.saving, "quitting waits for the save");
    let effects = update(&mut s, written(&text));
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
}

#[test]
fn switching_tabs_with_unsaved_edits_asks_save_discard_or_stay() {
    let mut s = on_prompts(120, 40);
    focus_field(&mut s, SYSTEM);
    typing(&mut s, "x");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.tab, Tab::Prompts);
    assert!(matches!(s.prompts.dialog, Some(Dialog::Unsaved { then: Leave::Tab(Tab::Run), .. })));
    press(&mut s, KeyCode::Esc);
    assert!(s.prompts.dialog.is_none() && s.tab == Tab::Prompts && s.prompts.is_dirty(), "Esc stays");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('d'));
    assert!(s.tab == Tab::Run && !s.prompts.is_dirty(), "discard drops the edits and leaves");
    // Quitting from the Run tab with nothing unsaved just quits.
    assert_eq!(ctrl(&mut s, 'q'), vec![Effect::Quit]);
}

#[test]
fn a_run_ending_on_the_tab_counts_the_version_again() {
    let mut s = on_prompts(120, 40);
    update(&mut s, Msg::RunLaunched { run_id: "r1".into() });
    let summary = ailab::engine::RunSummary {
        run_id: "r1".into(),
        status: RunStatus::Done,
        answer: Some("ok".into()),
        totals: Default::default(),
        error: None,
        turn: None,
    };
    let effects = update(&mut s, Msg::RunTaskEnded { run_id: "r1".into(), outcome: Ok(summary) });
    let hash = hierarchy_hash(&s.hierarchy);
    assert!(effects.contains(&Effect::Prompts(PromptsEffect::CountVersion { hash })), "{effects:?}");
}

fn row(id: &str, hash: &str, prompt: &str) -> RunRow {
    RunRow {
        id: id.into(),
        kind: "tree".into(),
        prompt: prompt.into(),
        root: "atlas".into(),
        status: RunStatus::Done,
        started_ms: 0,
        ended_ms: Some(1),
        calls: 9,
        failed_calls: 0,
        prompt_tokens: 1,
        completion_tokens: 1,
        hierarchy_hash: hash.into(),
        note: None,
        conversation: id.into(),
        turn: 1,
        turn_kind: Default::default(),
        parent_run: None,
    }
}

#[test]
fn compare_lists_runs_of_other_versions_and_shows_what_changed() {
    let mut s = on_prompts(120, 40);
    let effects = press(&mut s, KeyCode::Char('c'));
    assert_eq!(effects, vec![Effect::Prompts(PromptsEffect::RecentRuns)]);
    let current = hierarchy_hash(&shipped());
    let rows = vec![
        row("20261124-060000-0003", &current, "same prompts"),
        row("20261124-050000-0002", &"b".repeat(64), "Why is the sky blue?\nmore"),
        row("20261124-040000-0001", &"b".repeat(64), "same old version"),
        row("20261123-040000-0000", &"c".repeat(64), "older"),
    ];
    update(&mut s, Msg::Prompts(PromptsMsg::RecentRuns(Ok(rows))));
    let Some(Dialog::Pick(pick)) = &s.prompts.dialog else { panic!() };
    let ids: Vec<&str> = pick.items.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(ids, ["20261124-050000-0002", "20261123-040000-0000"], "one run per other version");
    assert_eq!(pick.items[0].detail, "Why is the sky blue?");
    // Versions are shown by their first 8 hex digits, as in History.
    assert_eq!(pick.items[0].label, "20261124-050000-0002  version bbbbbbbb");

    let effects = press(&mut s, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Prompts(PromptsEffect::LoadPastPrompts {
            run_id: "20261124-050000-0002".into(),
            title: "Why is the sky blue?".into()
        })]
    );
    let mut past = shipped();
    past.nodes.iter_mut().find(|n| n.id == "echo").unwrap().temperature = 0.9;
    let result = Ok(Box::new(past));
    let msg = PromptsMsg::PastPrompts { run_id: "20261124-050000-0002".into(), title: "Why".into(), result };
    update(&mut s, Msg::Prompts(msg));
    let Some(Dialog::Diff(view)) = &s.prompts.dialog else { panic!("{:?}", s.prompts.dialog) };
    assert_eq!(view.diff.to_string(), "~ Echo (echo)\n    temperature: 0.9 -> 0.4\n");
    press(&mut s, KeyCode::Esc);
    assert!(s.prompts.dialog.is_none());
}

#[test]
fn the_record_being_unavailable_is_said_not_thrown() {
    let mut s = on_prompts(120, 40);
    press(&mut s, KeyCode::Char('c'));
    update(
        &mut s,
        Msg::Prompts(PromptsMsg::RecentRuns(Err("Cannot read the record: disk I/O error".into()))),
    );
    let Some(Dialog::Pick(pick)) = &s.prompts.dialog else { panic!() };
    assert!(pick.items.is_empty() && pick.note.as_deref() == Some("Cannot read the record: disk I/O error"));
    let hash = s.prompts.usage.hash.clone();
    update(
        &mut s,
        Msg::Prompts(PromptsMsg::VersionUsage { hash, result: Err("runs not counted: locked".into()) }),
    );
    assert_eq!(s.prompts.usage.runs, Some(Err("runs not counted: locked".into())));
}

#[test]
fn a_file_that_cannot_be_edited_is_explained() {
    let mut s = state(100, 30);
    press(&mut s, KeyCode::F(3));
    let reason = "the hierarchy file /x/h.toml no longer exists".to_string();
    update(&mut s, Msg::Prompts(PromptsMsg::Opened(Err(reason.clone()))));
    // Keys do nothing harmful; saving says the file is not open.
    press(&mut s, KeyCode::Char('a'));
    ctrl(&mut s, 's');
    assert!(s.prompts.dialog.is_none());
    assert_eq!(s.notice.as_ref().unwrap().text, "The prompts are not open yet.");
}

#[test]
fn streamed_tokens_and_ticks_do_not_redo_the_tab_layout() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, SYSTEM);
    let synced = s.prompts.synced;
    for i in 0..50 {
        update(&mut s, Msg::Tick { now_ms: i });
    }
    assert_eq!(s.prompts.synced, synced);
    update(&mut s, Msg::Resize { width: 100, height: 30 });
    assert_ne!(s.prompts.synced, synced);
}
