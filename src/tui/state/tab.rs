//! The tabs of the live view.

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
