//! Reading sub-tasks out of a split call's text.
