//! The Lab tab on screen: where its parts go and the scoreboard's rows.

pub mod board;
pub mod chart;
pub mod layout;
