//! The tabs of the live view.

/// The tabs. Prompts and Lab join as their issues land; the bar shows only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Run,
    History,
    Prompts,
    Lab,
}

impl Tab {
    /// Tabs that work in this build, in bar order.
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
