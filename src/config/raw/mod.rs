//! The file as written, read key by key (serde stops at the first problem; this reports every
//! unknown key and every wrong type in the file at once). `read` reads the whole file, `table`
//! one table of it, into the spanned values of `values`.

mod read;
mod table;
mod values;

pub(crate) use read::read;
pub(crate) use values::{
    At, NODE_KEYS, PROMPT_KEYS, RawFile, RawLevel, RawNode, RawPrompts, RawServer, RawSettings,
};
