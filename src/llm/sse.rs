//! Server-sent events over a byte buffer. (Being written: see issue 2.)
