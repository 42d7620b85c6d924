//! Snapshots of the Prompts tab on a TestBackend at several sizes, one tiny.
