//! The server check panel: what is wrong, exactly what to do in LM Studio, and the ways out
//! (check again, the offline demo, or a served model for the nodes that lack theirs).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

use crate::tui::action::{Action, App, Context};
use crate::tui::screen::layout::inner;
use crate::tui::state::State;
use crate::tui::state::health::{Health, HealthPanel, HealthReport, users_of};
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;
use crate::tui::view::paint::{centered, draw_rows, span};

fn body(state: &State, panel: &HealthPanel, w: &mut Wrapper) {
    let key = |action| state.keymap.hint(Context::Health, action).unwrap_or_else(|| "?".into());
    let report: &HealthReport = match &state.health {
        Health::Checking => {
            w.push_str(&format!("Checking the server at {}…", state.server.url), Role::Text);
            w.newline();
            return;
        }
        Health::Checked(report) => report,
    };
    if report.demo {
        // The demo checks no server: saying one answers would mislead someone checking LM Studio.
        w.push_str("◆ Demo mode: answers are scripted offline; no server is used or checked.", Role::Accent);
        w.newline();
        w.push_str(
            "To check your server, start ailab without --demo (the demo lasts until you quit).",
            Role::Text,
        );
        w.newline();
        w.newline();
        w.push_str(&format!("{} close", key(Action::App(App::Close))), Role::KeyHint);
        w.newline();
        return;
    }
    for (url, problem) in report.unreachable() {
        w.push_str(&format!("✖ Cannot use the server at {url}"), Role::NodeFailed);
        w.newline();
        let users = users_of(&state.hierarchy, url);
        let who = if users.len() == state.hierarchy.nodes.len() {
            "every node".to_string()
        } else {
            users.join(", ")
        };
        if !users.is_empty() {
            w.push_str(&format!("Used by {who}."), Role::Text);
            w.newline();
        }
        w.push_str(&problem.message, Role::Text);
        w.newline();
        if let Some(hint) = &problem.hint {
            w.push_str(hint, Role::Accent);
            w.newline();
        }
        w.newline();
    }
    if !report.missing.is_empty() {
        w.push_str("▲ These nodes ask for a model the server does not serve:", Role::StatusWarn);
        w.newline();
        for m in &report.missing {
            w.push_str(&format!("  {:<10} ", m.node_name), Role::Title);
            w.push_str(&m.model, Role::Text);
            w.newline();
        }
        w.push_str(
            "In LM Studio: open the Developer tab, load the model (load it again for each instance :2, :3 …), \
             then check again.",
            Role::Accent,
        );
        w.newline();
        w.newline();
        let served = report.served_for_missing();
        if served.is_empty() {
            w.push_str(
                "The server serves no model at all: load Phi-3.1 mini in LM Studio first.",
                Role::Text,
            );
            w.newline();
        } else {
            w.push_str(&format!("Or use a model it does serve ({} to choose):", "↑↓"), Role::Text);
            w.newline();
            for (i, model) in served.iter().enumerate() {
                let (marker, role) =
                    if i == panel.selected { ("▶ ", Role::Selection) } else { ("  ", Role::Text) };
                w.push_str(&format!("{marker}{model}"), role);
                w.newline();
            }
            let endpoint = report.missing.first().map(|m| m.endpoint.as_str());
            let count = report.missing.iter().filter(|m| Some(m.endpoint.as_str()) == endpoint).count();
            w.push_str(
                &format!(
                    "{} gives it to {} for this session (edit hierarchy.toml to keep it).",
                    key(Action::App(App::AssignModel)),
                    if count == 1 { "that node".to_string() } else { format!("those {count} nodes") }
                ),
                Role::Dim,
            );
            w.newline();
        }
        w.newline();
    }
    let silent: Vec<_> = report.silent_models().collect();
    if !silent.is_empty() {
        w.push_str("✖ Listed by the server, but did not answer a test message:", Role::NodeFailed);
        w.newline();
        for (answer, problem) in silent {
            w.push_str(&format!("  {} ", answer.model), Role::Title);
            w.push_str(&format!("(used by {})", answer.members.join(", ")), Role::Text);
            w.newline();
            w.push_str(&format!("  {}", problem.message), Role::Text);
            w.newline();
            if let Some(hint) = &problem.hint {
                w.push_str(&format!("  {hint}"), Role::Accent);
                w.newline();
            }
        }
        w.newline();
    }
    if report.is_healthy() {
        w.push_str("✔ The server answers and serves every node's model.", Role::NodeDone);
        w.newline();
        w.newline();
    }
    w.push_str(
        &format!(
            "{} check again · {} use the offline demo · {} continue anyway",
            key(Action::App(App::Retry)),
            key(Action::App(App::UseDemo)),
            key(Action::App(App::Close))
        ),
        Role::KeyHint,
    );
    w.newline();
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, panel: &HealthPanel) {
    let theme = state.theme();
    let rect = centered(area, 84, area.height.saturating_sub(4));
    let inside = inner(rect);
    let text = Rect::new(
        inside.x + 1,
        inside.y + 1,
        inside.width.saturating_sub(2),
        inside.height.saturating_sub(1),
    );
    // Short text, rebuilt per frame: the panel is only open while nothing streams.
    let mut w = Wrapper::new(text.width as usize);
    body(state, panel, &mut w);
    let rows = w.rows(0, text.height as usize);
    let used = (rows.len() as u16 + 3).min(rect.height);
    let rect = centered(area, rect.width, used);
    let inside = inner(rect);
    let text = Rect::new(
        inside.x + 1,
        inside.y + 1,
        inside.width.saturating_sub(2),
        inside.height.saturating_sub(1),
    );
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(" Server check ", theme.style(Role::Overlay))));
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    draw_rows(frame.buffer_mut(), text, &rows, theme);
}
