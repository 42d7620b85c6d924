//! Checks on what a model wrote before the cascade relies on it: a split's sub-tasks before a
//! child starts on one ([`subtask`]), and an answer that only writes its instructions back
//! ([`answer`]). Pure functions of text, so they are tested on their own.

pub mod answer;
pub mod subtask;
mod words;
