//! The `data` stage: the session schema, a deterministic generator for the
//! shipped synthetic corpus, and validated loading of user transcripts.
//!
//! The paper's GPT-generated sessions are not public, so the corpus is
//! produced here from hand-written text banks with a seeded ChaCha8 stream:
//! the same seed gives byte-identical files on every machine.
//!
//! - [`generate_sessions`] builds the four sessions for a seed
//!   ([`DEFAULT_SEED`] for the shipped corpus).
//! - [`write_sessions`] writes them as canonical JSON
//!   (`session-01.json`, ...); [`to_canonical_json`] gives the exact bytes.
//! - [`load_dir`] / [`load_session`] read and validate user data; every
//!   [`DataError`] renders as one line naming the file and the fix.

mod banks;
#[cfg(test)]
mod checks;
mod explore;
mod generate;
mod intervene;
mod load;
pub(crate) mod rng;
mod schema;
mod script;
mod slots;

pub use generate::{DEFAULT_SEED, SESSION_COUNT, generate_sessions};
pub use load::{DataError, LoadedSession, load_dir, load_session, write_sessions};
pub use schema::{
    INTENSITY_MAX, INTENSITY_MIN, Participant, Phase, SCHEMA_ID, Session, Shift, Turn,
    to_canonical_json,
};
