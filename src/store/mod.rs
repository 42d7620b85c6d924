//! The record: every run in SQLite. (Being written: see issue 4.)
