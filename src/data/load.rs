//! Loading and validating session files (`--data DIR`), and writing them.
//!
//! Every error renders as a single line of the form
//! `<file>[:line:col]: <what is wrong> — <how to fix it>` so that it reads well
//! both in a terminal and in a log, and points straight at the culprit.

use crate::data::schema::{SCHEMA_ID, Session, to_canonical_json};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const REGEN_HINT: &str = "regenerate with 'ssmbench gen-data'";

/// A session together with the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedSession {
    /// File name relative to the loaded directory, e.g. `session-01.json`.
    pub file: String,
    pub session: Session,
}

/// Why a session file or directory could not be used. `Display` is always
/// exactly one line.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(
        "{path}: data directory not found — point --data at an existing directory, or create one with 'ssmbench gen-data'"
    )]
    DirMissing { path: String },
    #[error("{path}: not a directory — --data expects a directory holding *.json session files")]
    NotADir { path: String },
    #[error(
        "{path}: no session files (*.json) in this directory — add session JSON files or generate them with 'ssmbench gen-data'"
    )]
    NoSessions { path: String },
    #[error("{path}: cannot read ({reason}) — check that the path exists and is readable")]
    Io { path: String, reason: String },
    #[error(
        "{path}:{line}:{column}: not valid UTF-8 (invalid byte at offset {offset}) — re-save the file as UTF-8"
    )]
    NotUtf8 {
        path: String,
        offset: usize,
        line: usize,
        column: usize,
    },
    #[error("{path}:{line}:{column}: invalid JSON ({reason}) — fix the syntax or {REGEN_HINT}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        reason: String,
    },
    #[error(
        "{path}:{line}:{column}: does not match the session schema ({reason}) — fix that field or value (format {SCHEMA_ID}) or {REGEN_HINT}"
    )]
    Schema {
        path: String,
        line: usize,
        column: usize,
        reason: String,
    },
    #[error(
        "{path}: unsupported schema '{found}' — set \"schema\" to \"{SCHEMA_ID}\" or remove the field"
    )]
    SchemaVersion { path: String, found: String },
    #[error(
        "{path}: session has no turns — add at least one {{\"speaker\", \"text\"}} turn or remove the file"
    )]
    NoTurns { path: String },
    #[error(
        "{path}: turn {index} (turns[{zero_based}]) has empty text — write what was said or delete the turn"
    )]
    EmptyText {
        path: String,
        index: usize,
        zero_based: usize,
    },
    #[error(
        "{path}: turn {index} (turns[{zero_based}]) has an empty speaker — give every turn a speaker label such as \"Therapist\""
    )]
    EmptySpeaker {
        path: String,
        index: usize,
        zero_based: usize,
    },
    #[error(
        "{path}: turn {index} (turns[{zero_based}]) speaker \"{speaker}\" is not among the participants ({known}) — fix the label or add it to \"participants\""
    )]
    UnknownSpeaker {
        path: String,
        index: usize,
        zero_based: usize,
        speaker: String,
        known: String,
    },
    #[error(
        "{path}: participant \"{speaker}\" is listed twice — give each participant a distinct speaker label"
    )]
    DuplicateParticipant { path: String, speaker: String },
    #[error(
        "{path}: session id \"{id}\" is also used by {other} — give each session a unique \"id\""
    )]
    DuplicateId {
        path: String,
        id: String,
        other: String,
    },
}

/// Keeps a message on one line whatever ends up inside it (file names and
/// parser messages are not under our control).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn shown(path: &Path) -> String {
    one_line(&path.display().to_string())
}

/// 1-based line and column (in characters) of a byte offset into `bytes`,
/// counting only the valid prefix.
fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let prefix = String::from_utf8_lossy(&bytes[..offset]);
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads, parses and validates one session file.
pub fn load_session(path: &Path) -> Result<Session, DataError> {
    let name = shown(path);
    let bytes = fs::read(path).map_err(|e| DataError::Io {
        path: name.clone(),
        reason: one_line(&e.to_string()),
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, column) = line_col(&bytes, offset);
        DataError::NotUtf8 {
            path: name.clone(),
            offset,
            line,
            column,
        }
    })?;
    // Editors on Windows like to prepend a byte-order mark; it is not an error
    // in the content, so accept it rather than report "expected value".
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut session: Session = serde_json::from_str(text).map_err(|e| json_error(&name, &e))?;
    if session.id.trim().is_empty() {
        session.id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    validate(&name, &session)?;
    Ok(session)
}

fn json_error(path: &str, e: &serde_json::Error) -> DataError {
    use serde_json::error::Category;
    // serde_json's Display appends " at line L column C"; we put the position
    // in front, compiler-style, so strip the suffix.
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let reason = one_line(full.strip_suffix(&suffix).unwrap_or(&full));
    let (path, line, column) = (path.to_string(), e.line(), e.column());
    match e.classify() {
        Category::Data => DataError::Schema {
            path,
            line,
            column,
            reason,
        },
        Category::Syntax | Category::Eof | Category::Io => DataError::Syntax {
            path,
            line,
            column,
            reason,
        },
    }
}

/// Checks what the type system cannot: non-empty content and speakers that
/// match the declared participants.
fn validate(path: &str, s: &Session) -> Result<(), DataError> {
    let path = path.to_string();
    if s.schema != SCHEMA_ID {
        return Err(DataError::SchemaVersion {
            path,
            found: one_line(&s.schema),
        });
    }
    if s.turns.is_empty() {
        return Err(DataError::NoTurns { path });
    }
    let mut known: Vec<&str> = Vec::new();
    if let Some(ps) = &s.participants {
        for p in ps {
            if known.contains(&p.speaker.as_str()) {
                return Err(DataError::DuplicateParticipant {
                    path,
                    speaker: one_line(&p.speaker),
                });
            }
            known.push(&p.speaker);
        }
    }
    for (i, t) in s.turns.iter().enumerate() {
        if t.speaker.trim().is_empty() {
            return Err(DataError::EmptySpeaker {
                path,
                index: i + 1,
                zero_based: i,
            });
        }
        if t.text.trim().is_empty() {
            return Err(DataError::EmptyText {
                path,
                index: i + 1,
                zero_based: i,
            });
        }
        if s.participants.is_some() && !known.contains(&t.speaker.as_str()) {
            let known = if known.is_empty() {
                "participants list is empty".to_string()
            } else {
                one_line(&known.join(", "))
            };
            return Err(DataError::UnknownSpeaker {
                path,
                index: i + 1,
                zero_based: i,
                speaker: one_line(&t.speaker),
                known,
            });
        }
    }
    Ok(())
}

/// Loads every `*.json` file directly inside `dir`, sorted by file name.
/// Other files (e.g. `SHA256SUMS`) and hidden files are ignored. Fails on the
/// first bad file; no partial result is ever returned.
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedSession>, DataError> {
    let dir_name = shown(dir);
    let meta = fs::metadata(dir).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            DataError::DirMissing {
                path: dir_name.clone(),
            }
        } else {
            DataError::Io {
                path: dir_name.clone(),
                reason: one_line(&e.to_string()),
            }
        }
    })?;
    if !meta.is_dir() {
        return Err(DataError::NotADir { path: dir_name });
    }
    let io_err = |e: io::Error| DataError::Io {
        path: dir_name.clone(),
        reason: one_line(&e.to_string()),
    };
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_json = path.extension().is_some_and(|x| x == "json");
        // Hidden files are editor backups or our own in-flight temp files.
        if !is_json || name.starts_with('.') || path.is_dir() {
            continue;
        }
        files.push((name, path));
    }
    if files.is_empty() {
        return Err(DataError::NoSessions { path: dir_name });
    }
    // read_dir order is filesystem-dependent; sort for a stable corpus order.
    files.sort();
    let mut out = Vec::with_capacity(files.len());
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (name, path) in files {
        let session = load_session(&path)?;
        if let Some(other) = ids.insert(session.id.clone(), name.clone()) {
            return Err(DataError::DuplicateId {
                path: shown(&path),
                id: one_line(&session.id),
                other: one_line(&other),
            });
        }
        out.push(LoadedSession {
            file: name,
            session,
        });
    }
    Ok(out)
}

/// Writes `session-01.json`, `session-02.json`, ... into `dir` (created if
/// needed) in canonical form. Each file is written to a hidden temporary file
/// in the same directory and renamed into place, so a reader never sees a
/// half-written session. Returns the written paths in order.
pub fn write_sessions(dir: &Path, sessions: &[Session]) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::with_capacity(sessions.len());
    for (i, session) in sessions.iter().enumerate() {
        let name = format!("session-{:02}.json", i + 1);
        let target = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(to_canonical_json(session).as_bytes())?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &target)?;
        written.push(target);
    }
    Ok(written)
}
