//! How a theme file writes a style: `"cyan"` (a foreground) or `{ fg = "#88c0d0", bold = true }`.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Deserializer};

/// A colour as written in a theme file: a name (`red`, `lightblue`), `#rrggbb` or an index 0–255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColorSpec(pub Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Color::from_str(&text).map(ColorSpec).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown colour \"{text}\": use a name (red, lightblue, darkgray…), #rrggbb, or an index 0-255"
            ))
        })
    }
}

/// One role's style in a theme file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StyleSpec {
    /// Shorthand: just the foreground colour.
    Fg(ColorSpec),
    Full(FullSpec),
}

/// The long form of a style.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullSpec {
    pub fg: Option<ColorSpec>,
    pub bg: Option<ColorSpec>,
    #[serde(default)]
    pub bold: bool,
    #[serde(default)]
    pub italic: bool,
    #[serde(default)]
    pub underline: bool,
    #[serde(default)]
    pub dim: bool,
    #[serde(default)]
    pub reversed: bool,
}

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Decide by the value's shape so errors inside a table keep their own precise message.
        let value = toml::Value::deserialize(deserializer)?;
        match value {
            toml::Value::String(_) => {
                ColorSpec::deserialize(value).map(StyleSpec::Fg).map_err(serde::de::Error::custom)
            }
            toml::Value::Table(_) => {
                FullSpec::deserialize(value).map(StyleSpec::Full).map_err(serde::de::Error::custom)
            }
            other => Err(serde::de::Error::custom(format!(
                "a style is a colour (\"cyan\") or a table ({{ fg = \"cyan\", bold = true }}), not {}",
                other.type_str()
            ))),
        }
    }
}

impl StyleSpec {
    /// The ratatui style this describes.
    pub fn to_style(&self) -> Style {
        match self {
            StyleSpec::Fg(color) => Style::new().fg(color.0),
            StyleSpec::Full(full) => {
                let mut style = Style::new();
                if let Some(fg) = full.fg {
                    style = style.fg(fg.0);
                }
                if let Some(bg) = full.bg {
                    style = style.bg(bg.0);
                }
                let flags = [
                    (full.bold, Modifier::BOLD),
                    (full.italic, Modifier::ITALIC),
                    (full.underline, Modifier::UNDERLINED),
                    (full.dim, Modifier::DIM),
                    (full.reversed, Modifier::REVERSED),
                ];
                for (on, modifier) in flags {
                    if on {
                        style = style.add_modifier(modifier);
                    }
                }
                style
            }
        }
    }
}
