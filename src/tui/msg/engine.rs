//! The engine the next run uses, as the UI is told of it when it changes.

use std::sync::Arc;

use crate::config::Hierarchy;

/// The engine the next run uses, as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineInfo {
    pub hierarchy: Arc<Hierarchy>,
    pub demo: bool,
    /// Where it sends requests ("demo" for the offline demo).
    pub server: String,
}
