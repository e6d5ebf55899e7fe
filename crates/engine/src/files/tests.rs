//! Model tests of the transfer book: offer, accept, decline, cancel, answers, resume.
