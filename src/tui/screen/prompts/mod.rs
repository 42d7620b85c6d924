//! The Prompts tab on screen: where the tree, the form and its fields go, and the rows the layout
//! measures.

pub mod dialog;
pub mod diff;
pub mod form_rows;
pub mod layout;
