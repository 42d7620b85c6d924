//! The experiment: is the tree better than one model alone, or than the same compute spent
//! another way? Arms, judging with the swap rule, and honest statistics.

pub mod prompt_set;
pub mod stats;
pub mod verdict;
