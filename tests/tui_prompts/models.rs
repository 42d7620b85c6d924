//! The model picker, by its reducer: opening it asks the server for its models; the list comes
//! with each model's loaded state; a model goes to the selected member or to every member and the
//! file is saved at once, its comments kept; unsaved edits are never saved along unasked; a
//! server that cannot be reached says what to do. And its screen, with the loaded marks.

use crossterm::event::KeyCode;

use super::fixture::*;
use super::ui::update;
use crate::screen::{render, screen_text};
use ailab::config::edit::{Field, PromptField};
use ailab::config::{DEFAULT_HIERARCHY_TOML, parse_hierarchy};
use ailab::llm::lmstudio::{LoadState, ServedModel};
use ailab::tui::msg::{Effect, Msg, PromptsEffect, PromptsMsg};
use ailab::tui::state::prompts::{Dialog, ModelList, ModelPicker, PickerStep, Target};
use ailab::tui::state::{State, Tab};

const PHI: &str = "phi-3.1-mini-4k-instruct";
const PHI_2: &str = "phi-3.1-mini-4k-instruct:2";
const QWEN: &str = "qwen2.5-7b-instruct";

fn served() -> Vec<ServedModel> {
    vec![
        ServedModel { id: PHI.into(), state: LoadState::Loaded },
        ServedModel { id: PHI_2.into(), state: LoadState::Loaded },
        ServedModel { id: QWEN.into(), state: LoadState::NotLoaded },
    ]
}

fn listed(models: Vec<ServedModel>) -> Msg {
    Msg::Prompts(PromptsMsg::Models { url: "http://localhost:1234/v1".into(), result: Ok(models) })
}

fn picker(state: &State) -> &ModelPicker {
    match &state.prompts.dialog {
        Some(Dialog::Models(picker)) => picker,
        other => panic!("the model picker is not open: {other:?}"),
    }
}

/// The Prompts tab with `member` selected and the picker open on the served models.
fn open_on(member: &str) -> State {
    let mut s = on_prompts(100, 30);
    select(&mut s, member);
    let effects = press(&mut s, KeyCode::Char('M'));
    assert_eq!(effects, vec![Effect::Prompts(PromptsEffect::ListModels)]);
    assert_eq!(picker(&s).list, ModelList::Loading);
    update(&mut s, listed(served()));
    s
}

/// Moves the picker's cursor to `model`.
fn cursor_on(s: &mut State, model: &str) {
    for _ in 0..5 {
        press(s, KeyCode::Up);
    }
    while picker(s).current().map(|m| m.id.as_str()) != Some(model) {
        let before = picker(s).selected;
        press(s, KeyCode::Down);
        assert_ne!(picker(s).selected, before, "{model} is not in the list");
    }
}

fn model_of(text: &str, id: &str) -> String {
    parse_hierarchy(text, SAVE_PATH).unwrap().node(id).unwrap().model.clone()
}

#[test]
fn opening_lists_the_server_s_models_with_the_cursor_on_the_member_s_own() {
    let s = open_on("nova");
    let p = picker(&s);
    assert_eq!(p.models(), served().as_slice());
    assert_eq!(p.current().map(|m| m.id.as_str()), Some(PHI), "Nova uses the default model");
    assert_eq!(p.step, PickerStep::Models);
}

#[test]
fn a_model_goes_to_the_selected_member_alone_and_is_saved_with_the_comments_kept() {
    let mut s = open_on("nova");
    cursor_on(&mut s, PHI_2);
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "choosing a model asks who gets it first");
    assert_eq!(
        picker(&s).step,
        PickerStep::Assign { model: PHI_2.into(), state: LoadState::Loaded, target: Target::Member }
    );
    let effects = press(&mut s, KeyCode::Enter);
    let text = saved_text(&effects).expect("Enter on 'this member' saves");
    assert!(s.prompts.dialog.is_none(), "the picker closed");
    assert_eq!(model_of(&text, "nova"), PHI_2);
    for other in ["atlas", "echo", "pixel", "sage", "quantum"] {
        assert_eq!(model_of(&text, other), PHI, "{other} keeps its model");
    }
    // Every comment of the shipped file is still there, in order.
    let comments = |t: &str| {
        t.lines().filter(|l| l.trim_start().starts_with('#')).map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(comments(&text), comments(DEFAULT_HIERARCHY_TOML));
    // As after any save: the shell's answer makes it the next run's hierarchy.
    update(&mut s, written(&text));
    assert_eq!(s.hierarchy.node("nova").unwrap().model, PHI_2);
    assert!(!s.prompts.is_dirty());
}

#[test]
fn all_members_get_the_model_with_a_and_a_model_not_loaded_is_warned_about() {
    let mut s = open_on("echo");
    cursor_on(&mut s, QWEN);
    press(&mut s, KeyCode::Enter);
    assert!(matches!(picker(&s).step, PickerStep::Assign { state: LoadState::NotLoaded, .. }));
    let shown = screen_text(&mut s, 100, 30);
    assert!(shown.contains("LM Studio has not loaded it yet"), "{shown}");
    let effects = press(&mut s, KeyCode::Char('a'));
    let text = saved_text(&effects).expect("a gives it to every member and saves");
    for id in ["atlas", "nova", "echo", "pixel", "sage", "quantum"] {
        assert_eq!(model_of(&text, id), QWEN, "{id}");
    }
}

#[test]
fn the_model_a_member_already_uses_changes_nothing() {
    let mut s = open_on("sage");
    cursor_on(&mut s, PHI);
    press(&mut s, KeyCode::Enter);
    let effects = press(&mut s, KeyCode::Char('t'));
    assert!(saved_text(&effects).is_none(), "{effects:?}");
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("already uses")), "{:?}", s.notice);
}

#[test]
fn esc_steps_back_then_closes() {
    let mut s = open_on("nova");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Esc);
    assert_eq!(picker(&s).step, PickerStep::Models);
    press(&mut s, KeyCode::Esc);
    assert!(s.prompts.dialog.is_none());
    assert!(!s.prompts.is_dirty(), "nothing was changed");
}

#[test]
fn unsaved_edits_are_never_saved_along_with_a_model() {
    let mut s = on_prompts(100, 30);
    select(&mut s, "echo");
    focus_field(&mut s, Field::Prompt(PromptField::System));
    typing(&mut s, "Be brief. ");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('M'));
    update(&mut s, listed(served()));
    let effects = press(&mut s, KeyCode::Enter);
    assert!(saved_text(&effects).is_none());
    assert_eq!(picker(&s).step, PickerStep::Models, "refused at the first step");
    let refused = picker(&s).refused.clone().unwrap_or_default();
    assert!(refused.contains("unsaved edits") && refused.contains("save them (s)"), "{refused}");
    assert!(s.prompts.is_dirty(), "the edits are kept");
    assert!(
        s.prompts
            .draft()
            .unwrap()
            .field_text("echo", Field::Prompt(PromptField::System))
            .unwrap()
            .starts_with("Be brief.")
    );
}

#[test]
fn a_server_that_cannot_be_reached_says_what_to_do_and_r_asks_again() {
    let mut s = on_prompts(100, 30);
    press(&mut s, KeyCode::Char('M'));
    let reason = "cannot reach the server at http://localhost:1234/v1: Connection refused".to_string();
    update(
        &mut s,
        Msg::Prompts(PromptsMsg::Models { url: "http://localhost:1234/v1".into(), result: Err(reason) }),
    );
    assert!(matches!(picker(&s).list, ModelList::Failed { .. }));
    let screen = screen_text(&mut s, 100, 30);
    assert!(screen.contains("Connection refused") && screen.contains("Start server"), "{screen}");
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "nothing to choose");
    assert_eq!(press(&mut s, KeyCode::Char('r')), vec![Effect::Prompts(PromptsEffect::ListModels)]);
    assert_eq!(picker(&s).list, ModelList::Loading);
}

#[test]
fn choose_models_from_the_run_tab_opens_the_prompts_tab_and_the_picker() {
    let mut s = state(100, 30);
    let effects = update(&mut s, Msg::Key(crossterm::event::KeyEvent::from(KeyCode::F(1))));
    assert!(effects.is_empty());
    press(&mut s, KeyCode::Char('w'));
    press(&mut s, KeyCode::Char('m'));
    assert_eq!(s.tab, Tab::Prompts);
    assert!(s.overlays.is_empty(), "the welcome closed");
    assert_eq!(picker(&s).list, ModelList::Loading);
    update(&mut s, opened());
    update(&mut s, listed(served()));
    assert_eq!(picker(&s).models().len(), 3);
}

#[test]
fn the_picker_with_loaded_and_not_loaded_models() {
    let mut s = open_on("nova");
    let terminal = render(&mut s, 100, 30);
    insta::assert_snapshot!("models_100x30", terminal.backend());
    cursor_on(&mut s, QWEN);
    press(&mut s, KeyCode::Enter);
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("models_assign_80x24", terminal.backend());
}
