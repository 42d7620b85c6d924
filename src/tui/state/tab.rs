//! The tabs of the live view, and where the bar puts them (one answer for drawing the bar and for
//! knowing which tab a click landed on).

use unicode_width::UnicodeWidthStr;

/// The app's name at the start of the bar.
pub const BRAND: &str = " ailab ";
/// Between two tabs.
pub const TAB_GAP: &str = " ";

/// The tabs, as the bar shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Run,
    History,
    Prompts,
    Lab,
}

impl Tab {
    /// Every tab, in bar order.
    pub const AVAILABLE: &'static [Tab] = &[Tab::Run, Tab::History, Tab::Prompts, Tab::Lab];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Run => "Run",
            Tab::Lab => "Lab",
            Tab::History => "History",
            Tab::Prompts => "Prompts",
        }
    }
}

/// One tab's label on the bar and the columns it covers (from the bar's left edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabLabel {
    pub tab: Tab,
    pub text: String,
    pub start: u16,
    pub width: u16,
}

/// The tabs' labels in bar order; the Prompts tab is marked ● while it has unsaved edits.
pub fn tab_labels(prompts_dirty: bool) -> Vec<TabLabel> {
    let mut x = BRAND.width() as u16;
    let mut labels = Vec::with_capacity(Tab::AVAILABLE.len());
    for &tab in Tab::AVAILABLE {
        x += TAB_GAP.width() as u16;
        let mark = if tab == Tab::Prompts && prompts_dirty { " ●" } else { "" };
        let text = format!(" {}{mark} ", tab.title());
        let width = text.width() as u16;
        labels.push(TabLabel { tab, text, start: x, width });
        x += width;
    }
    labels
}

/// The tab whose label covers `column` of the bar, if any.
pub fn tab_at(prompts_dirty: bool, column: u16) -> Option<Tab> {
    tab_labels(prompts_dirty)
        .into_iter()
        .find(|l| (l.start..l.start + l.width).contains(&column))
        .map(|l| l.tab)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_finds_the_tab_under_it_and_nothing_between_tabs() {
        // " ailab " then " " + " Run " + " " + " History " …
        assert_eq!(tab_at(false, 0), None);
        assert_eq!(tab_at(false, 8), Some(Tab::Run));
        assert_eq!(tab_at(false, 12), Some(Tab::Run));
        assert_eq!(tab_at(false, 13), None, "the gap");
        assert_eq!(tab_at(false, 14), Some(Tab::History));
        let lab = tab_labels(true).into_iter().find(|l| l.tab == Tab::Lab).unwrap();
        let lab_clean = tab_labels(false).into_iter().find(|l| l.tab == Tab::Lab).unwrap();
        assert_eq!(lab.start, lab_clean.start + 2, "the unsaved mark moves the tabs after it");
        assert_eq!(tab_at(true, lab.start), Some(Tab::Lab));
    }
}
