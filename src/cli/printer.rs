//! Progress printing for `ailab ask`.
