//! Keys to actions, per context. Defaults are compiled in (`keymap.toml` beside this file); the
//! user's `<config dir>/keymap.toml` overrides single keys. Mistakes are reported with line and column.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::Spanned;

use super::action::{Action, Context};

/// The default bindings.
pub const DEFAULT_KEYMAP: &str = include_str!("keymap.toml");

/// A key with its modifiers, normalized so that what a terminal sends matches what a file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        let mods =
            mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT | KeyModifiers::SUPER);
        match code {
            // Shift is already in the character ('?' or 'Z'); terminals disagree on reporting it.
            KeyCode::Char(c) => {
                let c = if mods.contains(KeyModifiers::SHIFT) { c.to_ascii_uppercase() } else { c };
                Self { code: KeyCode::Char(c), mods: mods - KeyModifiers::SHIFT }
            }
            KeyCode::BackTab => Self { code, mods: mods - KeyModifiers::SHIFT },
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                Self { code: KeyCode::BackTab, mods: mods - KeyModifiers::SHIFT }
            }
            _ => Self { code, mods },
        }
    }

    /// The chord of a key event.
    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    /// Parses `ctrl-c`, `alt-enter`, `shift-tab`, `f1`, `pageup`, `?`, `space`.
    pub fn parse(spec: &str) -> Result<KeyChord, String> {
        let mut rest = spec.trim();
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, modifier) = if lower.starts_with("ctrl-") && rest.len() > 5 {
                (5, KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                (4, KeyModifiers::ALT)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (6, KeyModifiers::SHIFT)
            } else if lower.starts_with("super-") && rest.len() > 6 {
                (6, KeyModifiers::SUPER)
            } else {
                break;
            };
            mods |= modifier;
            rest = &rest[prefix..];
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1
                && f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => {
                        return Err(format!(
                            "unknown key \"{spec}\": write keys like \"ctrl-c\", \"alt-enter\", \"f1\", \"pageup\", \"?\""
                        ));
                    }
                }
            }
        };
        Ok(KeyChord::new(code, mods))
    }

    /// How the key is shown in help and hints ("Ctrl-C", "Shift-Tab", "PgUp").
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (flag, name) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SUPER, "Super-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.mods.contains(flag) {
                out.push_str(name);
            }
        }
        let key = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Insert => "Ins".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if !self.mods.is_empty() => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        out + &key
    }
}

/// Keys to actions, per context.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: HashMap<Context, HashMap<KeyChord, Action>>,
}

type KeymapFile = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>;

impl Keymap {
    /// The compiled-in defaults.
    pub fn defaults() -> Keymap {
        let mut keymap = Keymap::default();
        // The embedded file is checked by a test; it cannot fail at run time.
        let _ = keymap.apply(DEFAULT_KEYMAP, "built-in keymap");
        keymap
    }

    /// Defaults overridden by the user's file, if it exists.
    pub fn load(user_file: Option<&Path>) -> Result<Keymap, String> {
        let mut keymap = Keymap::defaults();
        let Some(path) = user_file.filter(|p| p.exists()) else { return Ok(keymap) };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("keymap {}: cannot read it: {e}", path.display()))?;
        keymap.apply(&text, &path.display().to_string())?;
        Ok(keymap)
    }

    /// Applies a keymap file's bindings over the current ones.
    pub fn apply(&mut self, text: &str, source: &str) -> Result<(), String> {
        let file: KeymapFile =
            toml::from_str(text).map_err(|e| format!("keymap {source}: {}", e.to_string().trim_end()))?;
        let at = |span: std::ops::Range<usize>| {
            let (line, column) = line_column(text, span.start);
            format!("keymap {source}, line {line}, column {column}")
        };
        for (context, table) in file {
            let ctx: Context = serde::Deserialize::deserialize(toml::Value::String(
                context.get_ref().clone(),
            ))
            .map_err(|_| {
                format!(
                    "{}: unknown table [{}]; the tables are global, prompt, panes, zoom, help, messages, health, \
                     history, history_search, past_run, confirm, prompts_tree, prompts_field, prompts_dialog, lab, \
                     lab_ask, vote, vote_reason",
                    at(context.span()),
                    context.get_ref()
                )
            })?;
            for (key, action) in table {
                let chord = KeyChord::parse(key.get_ref()).map_err(|e| format!("{}: {e}", at(key.span())))?;
                let map = self.bindings.entry(ctx).or_default();
                if action.get_ref() == "none" {
                    map.remove(&chord);
                    continue;
                }
                let Some(act) = Action::from_key(action.get_ref()) else {
                    let names: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
                    return Err(format!(
                        "{}: unknown action \"{}\"; actions are: {}, or \"none\"",
                        at(action.span()),
                        action.get_ref(),
                        names.join(", ")
                    ));
                };
                map.insert(chord, act);
            }
        }
        Ok(())
    }

    /// The action for a key in a context (its own bindings first, then the global ones).
    pub fn lookup(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        let chord = KeyChord::from_event(key);
        self.bindings
            .get(&context)
            .and_then(|m| m.get(&chord))
            .or_else(|| self.bindings.get(&Context::Global).and_then(|m| m.get(&chord)))
            .copied()
    }

    /// True when `chord` does something in `context` (its own bindings or the global ones).
    pub fn binds(&self, context: Context, chord: &KeyChord) -> bool {
        [context, Context::Global]
            .iter()
            .any(|ctx| self.bindings.get(ctx).is_some_and(|m| m.contains_key(chord)))
    }

    /// The action for a key in exactly this context (no global fallback), for layered tables.
    pub fn lookup_own(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        self.bindings.get(&context).and_then(|m| m.get(&KeyChord::from_event(key))).copied()
    }

    /// The keys bound to `action` in `context` (not counting global ones), for hints and help.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        let mut keys: Vec<(u8, String)> = self
            .bindings
            .get(&context)
            .into_iter()
            .flatten()
            .filter(|(_, a)| **a == action)
            .map(|(chord, _)| (key_rank(chord), chord.display()))
            .collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// The first key for an action (context, then global), for hints.
    pub fn hint(&self, context: Context, action: Action) -> Option<String> {
        self.keys_for(context, action)
            .into_iter()
            .next()
            .or_else(|| self.keys_for(Context::Global, action).into_iter().next())
    }

    /// Every binding by context and action, for the help overlay.
    pub fn help(&self) -> Vec<(Context, Vec<(String, &'static str)>)> {
        Context::ALL
            .iter()
            .map(|&ctx| {
                let entries = Action::ALL
                    .iter()
                    .filter_map(|&action| {
                        let keys = self.keys_for(ctx, action);
                        (!keys.is_empty()).then(|| (keys.join(" "), action.describe_in(ctx)))
                    })
                    .collect();
                (ctx, entries)
            })
            .filter(|(_, entries): &(Context, Vec<_>)| !entries.is_empty())
            .collect()
    }
}

/// The order keys are listed in: Esc and Enter first, then named keys, letters, function keys,
/// and anything with a modifier last, so hints show the simplest key.
fn key_rank(chord: &KeyChord) -> u8 {
    let kind = match chord.code {
        KeyCode::Esc => 0,
        KeyCode::Enter => 1,
        KeyCode::Char(_) => 3,
        KeyCode::F(_) => 4,
        _ => 2,
    };
    if chord.mods.is_empty() { kind } else { kind + 5 }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::{App, Move, Run};

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn embedded_defaults_parse() {
        let mut keymap = Keymap::default();
        keymap.apply(DEFAULT_KEYMAP, "built-in").unwrap();
        assert_eq!(
            keymap.lookup(Context::Prompt, &key(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Action::Run(Run::Send))
        );
        assert_eq!(
            keymap.lookup(Context::Prompt, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::App(App::Interrupt))
        );
        assert_eq!(keymap.lookup(Context::Prompt, &key(KeyCode::Char('z'), KeyModifiers::NONE)), None);
        assert_eq!(keymap.lookup(Context::Panes, &key(KeyCode::Char('z'), KeyModifiers::NONE)), None);
        assert_eq!(
            keymap.lookup(Context::PastRun, &key(KeyCode::Char('z'), KeyModifiers::NONE)),
            Some(Action::Run(Run::Zoom))
        );
    }

    #[test]
    fn terminals_reporting_shift_still_match() {
        let keymap = Keymap::defaults();
        assert_eq!(
            keymap.lookup(Context::PastRun, &key(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::App(App::Help))
        );
        assert_eq!(
            keymap.lookup(Context::Panes, &key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::Move(Move::FocusPrev))
        );
    }

    #[test]
    fn user_file_overrides_and_unbinds() {
        let mut keymap = Keymap::defaults();
        keymap.apply("[panes]\n\"x\" = \"zoom\"\n\"z\" = \"none\"\n", "mine").unwrap();
        assert_eq!(
            keymap.lookup(Context::Panes, &key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Run(Run::Zoom))
        );
        assert_eq!(keymap.lookup(Context::Panes, &key(KeyCode::Char('z'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn mistakes_are_reported_with_position() {
        let mut keymap = Keymap::defaults();
        let err = keymap.apply("[panes]\n\"x\" = \"zooom\"\n", "k.toml").unwrap_err();
        assert!(err.contains("line 2, column 7") && err.contains("unknown action \"zooom\""), "{err}");
        let err = keymap.apply("[panes]\n\"ctrl-foo\" = \"zoom\"\n", "k.toml").unwrap_err();
        assert!(err.contains("line 2, column 1") && err.contains("unknown key"), "{err}");
        let err = keymap.apply("[pane]\n\"x\" = \"zoom\"\n", "k.toml").unwrap_err();
        assert!(err.contains("unknown table [pane]"), "{err}");
        let err = keymap.apply("[panes\n", "k.toml").unwrap_err();
        assert!(err.contains("k.toml") && err.contains("line 1"), "{err}");
    }

    #[test]
    fn chords_parse_and_display() {
        assert_eq!(KeyChord::parse("ctrl-c").unwrap().display(), "Ctrl-C");
        assert_eq!(KeyChord::parse("shift-tab").unwrap().display(), "Shift-Tab");
        assert_eq!(KeyChord::parse("alt-enter").unwrap().display(), "Alt-Enter");
        assert_eq!(KeyChord::parse("f1").unwrap(), KeyChord::new(KeyCode::F(1), KeyModifiers::NONE));
        assert_eq!(KeyChord::parse("-").unwrap(), KeyChord::new(KeyCode::Char('-'), KeyModifiers::NONE));
        assert_eq!(KeyChord::parse("ctrl--").unwrap().display(), "Ctrl--");
        assert!(KeyChord::parse("hyper-x").is_err());
    }
}
