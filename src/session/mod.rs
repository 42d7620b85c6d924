//! What both front ends share, so neither names the other: the resolved settings, the record's
//! start-up (the recorder and its writer, opened in the background) and the process's exit codes.
//! `main.rs` chooses the front end; the live view (`tui`) and the commands (`cli`) each start a
//! session from here.

pub mod exit;
pub mod record;
pub mod settings;
pub mod stderr;

pub use record::{ActiveRecorder, LOCKED_GRACE, Opening, RECORDING_OFF, Recording};
pub use settings::{Asked, Settings};
