//! What the welcome shows and where: the team as a small tree, three sentences, the three
//! choices, and the keys, fitted to the screen. On a small screen the tree goes first, then the
//! sentences shrink to one: the choices always show.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use crate::config::Hierarchy;
use crate::tui::action::{Action, App, Context};
use crate::tui::state::State;
use crate::tui::state::health::Health;
use crate::tui::state::welcome::{WelcomeChoice, WelcomeState};
use crate::tui::text::wrap::{Row, Seg, Wrapper, truncate, wrap};
use crate::tui::theme::Role;

/// The widest the welcome gets (sentences longer than this are hard to read).
const MAX_WIDTH: u16 = 76;

/// The welcome's box and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomeView {
    /// The bordered box, centred on the screen.
    pub frame: Rect,
    /// Where the rows go, inside it.
    pub body: Rect,
    pub rows: Vec<Row>,
}

/// The welcome on a screen of `area`.
pub fn view(state: &State, welcome: &WelcomeState, area: Rect) -> WelcomeView {
    let width = MAX_WIDTH.min(area.width);
    let text_w = width.saturating_sub(4) as usize;
    // Between the tab bar and the status bar, which stay in view; the box's border takes two rows.
    let between = area.height.saturating_sub(2);
    let rows = fitted(state, welcome, text_w, between.saturating_sub(2) as usize);
    let height = (rows.len() as u16 + 2).min(between);
    let frame = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.min(1) + (between - height) / 2,
        width,
        height,
    );
    let body = Rect::new(
        frame.x.saturating_add(2),
        frame.y.saturating_add(1),
        frame.width.saturating_sub(4),
        frame.height.saturating_sub(2),
    );
    WelcomeView { frame, body, rows }
}

/// The fullest form that fits `room` rows.
fn fitted(state: &State, welcome: &WelcomeState, width: usize, room: usize) -> Vec<Row> {
    let tree = tree_rows(&state.hierarchy, width);
    let sentences = sentences(&state.hierarchy, width);
    let choices = choice_rows(state, welcome, width);
    let keys = key_rows(state, width);
    let blank = || vec![Row::default()];
    let forms = [
        [tree.clone(), blank(), sentences.clone(), blank(), choices.clone(), blank(), keys.clone()].concat(),
        [sentences.clone(), blank(), choices.clone(), blank(), keys.clone()].concat(),
        [wrap(&short_sentence(&state.hierarchy), width, Role::Text), choices.clone(), keys.clone()].concat(),
        [choices.clone(), keys].concat(),
    ];
    let fits = forms.iter().find(|rows| rows.len() <= room);
    let mut rows = fits.cloned().unwrap_or(choices);
    rows.truncate(room);
    rows
}

/// The team from the root down, with each member's role: `├─ Nova · Research lead`.
fn tree_rows(h: &Hierarchy, width: usize) -> Vec<Row> {
    fn walk(h: &Hierarchy, id: &str, lead: &str, last: bool, root: bool, width: usize, out: &mut Vec<Row>) {
        let Some(node) = h.node(id) else { return };
        let branch = match (root, last) {
            (true, _) => "",
            (false, true) => "└─ ",
            (false, false) => "├─ ",
        };
        let head = format!("{lead}{branch}");
        let name = truncate(&node.name, width.saturating_sub(head.width()));
        let room = width.saturating_sub(head.width() + name.width() + 3);
        let role = if node.role.is_empty() || room < 4 {
            String::new()
        } else {
            format!(" · {}", truncate(&node.role, room))
        };
        out.push(row(vec![(head, Role::Dim), (name, Role::Title), (role, Role::Dim)]));
        let below =
            if root { String::new() } else { format!("{lead}{}", if last { "   " } else { "│  " }) };
        let count = node.children.len();
        for (i, child) in node.children.iter().enumerate() {
            walk(h, child, &below, i + 1 == count, false, width, out);
        }
    }
    let mut out = Vec::new();
    walk(h, &h.root().id, "", true, true, width, &mut out);
    out
}

/// What happens when you ask, in three sentences.
fn sentences(h: &Hierarchy, width: usize) -> Vec<Row> {
    let root = &h.root().name;
    let text = format!(
        "When you ask a question, {root} divides it into parts, one for each member under it. The \
         members answer their parts at the same time, and each parent combines its members' replies, \
         up to {root}'s final answer. The Lab tab compares this team with one model answering alone."
    );
    let mut w = Wrapper::new(width);
    w.push_str(&text, Role::Text);
    w.newline();
    w.all_rows()
}

/// The sentences in one, for a small screen.
fn short_sentence(h: &Hierarchy) -> String {
    format!("A team of models answers together, up to {}'s final answer.", h.root().name)
}

/// The three choices, the selected one marked; the server's line says how the server is.
fn choice_rows(state: &State, welcome: &WelcomeState, width: usize) -> Vec<Row> {
    WelcomeChoice::ALL
        .iter()
        .map(|choice| {
            let selected = *choice == welcome.selected;
            let marker = if selected { "▶ " } else { "  " };
            let mut what = choice.what().to_string();
            if *choice == WelcomeChoice::Server {
                what.push_str(server_status(state));
            }
            let label = truncate(&format!("{marker}{:<8}", choice.label()), width);
            let rest = truncate(&what, width.saturating_sub(label.width()));
            let (label_role, role) =
                if selected { (Role::Selection, Role::Selection) } else { (Role::Accent, Role::Text) };
            row(vec![(label, label_role), (rest, role)])
        })
        .collect()
}

/// How the server check stands, after the server's choice.
fn server_status(state: &State) -> &'static str {
    if state.server.demo {
        return " (now: the demo)";
    }
    match &state.health {
        Health::Checking => " (checking…)",
        Health::Checked(report) if report.unreachable().next().is_some() => " (✖ not answering)",
        Health::Checked(report) if !report.missing.is_empty() => " (▲ a model is missing)",
        Health::Checked(_) => " (✔ ready)",
    }
}

/// The keys, from the keymap in use.
fn key_rows(state: &State, width: usize) -> Vec<Row> {
    let key = |action| state.keymap.hint(Context::Welcome, action).unwrap_or_default();
    let letters: Vec<String> = [App::UseDemo, App::Health, App::ChooseModels]
        .into_iter()
        .map(|a| key(Action::App(a)))
        .filter(|k| !k.is_empty())
        .collect();
    let mut parts = vec![
        "↑↓ choose".to_string(),
        format!("{} go", key(Action::Prompts(crate::tui::action::Prompts::Choose))),
        letters.join(" "),
        format!("{} close", key(Action::App(App::Close))),
    ];
    // How to come back: the help's key, then the welcome's key in it.
    let help = state.keymap.hint(Context::Global, Action::App(App::Help));
    let again = state.keymap.hint(Context::Help, Action::App(App::Welcome));
    if let (Some(help), Some(again)) = (help, again) {
        parts.push(format!("later: {help} then {again}"));
    }
    wrap(&parts.join(" · "), width, Role::KeyHint)
}

/// A row of styled pieces (empty pieces left out).
fn row(pieces: Vec<(String, Role)>) -> Row {
    let segs: Vec<Seg> =
        pieces.into_iter().filter(|(t, _)| !t.is_empty()).map(|(text, role)| Seg { text, role }).collect();
    let width = segs.iter().map(|s| s.text.width()).sum();
    Row { segs, width }
}
