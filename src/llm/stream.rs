//! Decoding OpenAI-compatible stream chunks. (Being written: see issue 2.)
