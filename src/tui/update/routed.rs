//! What a tab's reducer made of a key: done, or an action it does not take where it was pressed,
//! handed back to the router (`keys`) for its usual meaning. So the tabs never call back up into
//! the router, and the reducer's files point one way.

use crate::tui::action::Action;
use crate::tui::msg::Effect;

/// A key handled by a tab, or passed back.
#[derive(Debug)]
pub enum Routed {
    /// Handled here, with these effects.
    Done(Vec<Effect>),
    /// Not this tab's to take here: the router performs it the usual way.
    Pass(Action),
}

impl From<Vec<Effect>> for Routed {
    fn from(effects: Vec<Effect>) -> Routed {
        Routed::Done(effects)
    }
}
