//! Building each phase's messages from the node's templates.
