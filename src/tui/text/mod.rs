//! Text for the screen: incremental wrapping, Markdown rendering, and caches that keep wrapped
//! rows in step with the run so that a frame never re-wraps a whole transcript.

pub mod cached;
pub mod cells;
pub mod field_rows;
pub mod highlight;
pub mod markdown;
pub mod split;
pub mod wrap;
