//! The lab's side of the record: comparisons, arm answers, judge verdicts and blind votes.
//!
//! The record keeps them and reads them back; the lab scores them (`crate::lab::score`). Writes go
//! through the recorder's writer like every other change (`write`), after the run events sent
//! before them, so an arm's row never lands before its run: they are a handful of small writes
//! between runs, never on the token path.
//!
//! `read` reads the rows back for the scoreboards and the vote queue; `record` is the eval
//! runner's store over the writer.

mod codec;
mod read;
mod record;
mod types;
mod write;

pub use record::LabRecord;
pub use types::{LabLink, LabScope, LabVersion};
