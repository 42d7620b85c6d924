//! Themes name roles, not colours. Built-in themes live in `themes/*.toml` (compiled in); the user
//! adds or overrides themes in `<config dir>/themes/NAME.toml`, naming only the roles they change
//! (the rest come from `extends`, by default `dark`). `NO_COLOR` keeps bold and reverse, drops colour.

mod roles;
mod spec;

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub use roles::Role;
use roles::RoleTable;

/// The built-in themes, in the order the theme key cycles through them.
const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    ("high-contrast", include_str!("../../../themes/high-contrast.toml")),
];

/// The theme used when none is asked for.
pub const DEFAULT_THEME: &str = "dark";

/// A complete theme: a style for every role.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: Vec<Style>,
}

impl Theme {
    /// The style of a role.
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(role as usize).copied().unwrap_or_default()
    }

    /// The same theme without colours (for `NO_COLOR`): modifiers stay, so states remain distinct,
    /// and what a background colour marked out (the selection, the active tab, the status bar) is
    /// shown in reverse video instead, so no selection or focus ever becomes invisible.
    pub fn without_color(&self) -> Theme {
        let styles = self
            .styles
            .iter()
            .zip(Role::ALL)
            .map(|(s, &role)| {
                let mut plain = *s;
                plain.fg = s.fg.map(|_| Color::Reset);
                plain.bg = s.bg.map(|_| Color::Reset);
                let marked_by_background =
                    s.bg.is_some_and(|c| c != Color::Reset) && role != Role::Background;
                if marked_by_background || matches!(role, Role::Selection | Role::TabActive) {
                    plain = plain.add_modifier(Modifier::REVERSED);
                }
                if role == Role::BorderFocused {
                    plain = plain.add_modifier(Modifier::BOLD);
                }
                plain
            })
            .collect();
        Theme { name: self.name.clone(), styles }
    }
}

/// A theme file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    /// The theme this one starts from (user themes; default `dark`).
    extends: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    roles: RoleTable,
}

/// Every theme available: built-in first, then the user's, by name.
#[derive(Debug, Clone)]
pub struct ThemeSet {
    themes: Vec<Theme>,
}

impl ThemeSet {
    /// The built-in themes only.
    pub fn built_in() -> ThemeSet {
        let mut set = ThemeSet { themes: Vec::new() };
        for (name, text) in BUILT_IN {
            // Built-in files are checked by tests; a broken one falls back to an unstyled theme.
            let theme = set.parse(name, text, "built-in").unwrap_or_else(|_| Theme {
                name: (*name).to_string(),
                styles: vec![Style::new(); Role::ALL.len()],
            });
            set.themes.push(theme);
        }
        set
    }

    /// Built-in themes plus every `*.toml` in `dir` (a user file named like a built-in replaces it).
    /// Returns the problems found in user files, each saying which file and where.
    pub fn load(dir: Option<&Path>) -> (ThemeSet, Vec<String>) {
        let mut set = Self::built_in();
        let mut problems = Vec::new();
        let Some(dir) = dir else { return (set, problems) };
        let Ok(entries) = std::fs::read_dir(dir) else { return (set, problems) };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(err) => {
                    problems.push(format!("theme {}: cannot read it: {err}", path.display()));
                    continue;
                }
            };
            match set.parse(&name, &text, &path.display().to_string()) {
                Ok(theme) => set.insert(theme),
                Err(message) => problems.push(message),
            }
        }
        (set, problems)
    }

    /// Parses one theme file over its base.
    pub fn parse(&self, name: &str, text: &str, source: &str) -> Result<Theme, String> {
        let file: ThemeFile =
            toml::from_str(text).map_err(|e| format!("theme {source}: {}", e.to_string().trim_end()))?;
        let base_name = file.extends.as_deref().unwrap_or(DEFAULT_THEME);
        let mut styles = if base_name == name && self.get(name).is_none() {
            // A built-in (or a theme extending itself before it exists) starts blank.
            vec![Style::new(); Role::ALL.len()]
        } else {
            match self.get(base_name) {
                Some(base) => base.styles.clone(),
                None if self.themes.is_empty() => vec![Style::new(); Role::ALL.len()],
                None => {
                    return Err(format!(
                        "theme {source}: extends \"{base_name}\", which does not exist (themes: {})",
                        self.names().join(", ")
                    ));
                }
            }
        };
        for (role, spec) in file.roles.entries() {
            styles[role as usize] = spec.to_style();
        }
        Ok(Theme { name: name.to_string(), styles })
    }

    fn insert(&mut self, theme: Theme) {
        match self.themes.iter_mut().find(|t| t.name == theme.name) {
            Some(existing) => *existing = theme,
            None => self.themes.push(theme),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.name == name)
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.themes.iter().position(|t| t.name == name)
    }

    /// The theme at `index` (wrapping), for cycling.
    pub fn at(&self, index: usize) -> &Theme {
        &self.themes[index % self.themes.len().max(1)]
    }

    pub fn len(&self) -> usize {
        self.themes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.themes.is_empty()
    }

    pub fn names(&self) -> Vec<&str> {
        self.themes.iter().map(|t| t.name.as_str()).collect()
    }

    /// The same set without colours.
    pub fn without_color(&self) -> ThemeSet {
        ThemeSet { themes: self.themes.iter().map(Theme::without_color).collect() }
    }
}

/// Picks the starting theme: `--theme NAME` (which must exist), else the default.
pub fn choose(set: &ThemeSet, requested: Option<&str>) -> Result<usize, String> {
    match requested {
        Some(name) => set.index_of(name).ok_or_else(|| {
            format!(
                "--theme {name}: no such theme. Available: {}. Your own go in {}.",
                set.names().join(", "),
                crate::paths::config_dir()
                    .map(|d| d.join("themes").join("NAME.toml").display().to_string())
                    .unwrap_or_else(|| "<config dir>/themes/NAME.toml".into())
            )
        }),
        None => Ok(set.index_of(DEFAULT_THEME).unwrap_or(0)),
    }
}

/// True when the user asked for no colour (`NO_COLOR` set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_parse_and_name_every_role() {
        let set = ThemeSet { themes: Vec::new() };
        for (name, text) in BUILT_IN {
            let file: ThemeFile = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let named: Vec<Role> = file.roles.entries().into_iter().map(|(r, _)| r).collect();
            for role in Role::ALL {
                assert!(named.contains(role), "theme {name} does not style {}", role.key());
            }
            set.parse(name, text, "built-in").unwrap();
        }
        assert_eq!(ThemeSet::built_in().names(), ["dark", "light", "high-contrast"]);
    }

    #[test]
    fn user_theme_overrides_only_what_it_names() {
        let set = ThemeSet::built_in();
        let mine = set.parse("mine", "[roles]\ntext = \"#ff0000\"\n", "mine.toml").unwrap();
        let dark = set.get("dark").unwrap();
        assert_eq!(mine.style(Role::Text).fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(mine.style(Role::Border), dark.style(Role::Border));
    }

    #[test]
    fn bad_theme_files_say_where_and_why() {
        let set = ThemeSet::built_in();
        let err = set.parse("x", "[roles]\nnode_ansering = \"red\"\n", "x.toml").unwrap_err();
        assert!(err.contains("x.toml") && err.contains("line 2") && err.contains("node_ansering"), "{err}");
        let err = set.parse("x", "[roles]\ntext = \"purplish\"\n", "x.toml").unwrap_err();
        assert!(err.contains("unknown colour \"purplish\""), "{err}");
        let err = set.parse("x", "extends = \"nope\"\n", "x.toml").unwrap_err();
        assert!(err.contains("extends \"nope\""), "{err}");
    }

    #[test]
    fn no_color_keeps_modifiers() {
        let set = ThemeSet::built_in().without_color();
        let style = set.get("dark").unwrap().style(Role::NodeFailed);
        assert!(matches!(style.fg, None | Some(Color::Reset)));
        assert!(style.add_modifier.contains(ratatui::style::Modifier::BOLD));
    }

    #[test]
    fn unknown_theme_lists_the_available_ones() {
        let set = ThemeSet::built_in();
        let err = choose(&set, Some("solarized")).unwrap_err();
        assert!(err.contains("dark, light, high-contrast"), "{err}");
        assert_eq!(choose(&set, None).unwrap(), 0);
    }
}
