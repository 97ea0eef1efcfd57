//! The on-disk session format (`ssmbench.session/1`), one session per JSON file.
//!
//! Every struct denies unknown fields: the optional annotations (`phase`,
//! `intensity`, `shift`) are ground truth for later experiments, and a typo
//! such as `"shfit"` must fail loudly instead of being dropped on the floor.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Value of the `schema` field written into every generated file.
pub const SCHEMA_ID: &str = "ssmbench.session/1";

/// Lowest and highest allowed `intensity`.
pub const INTENSITY_MIN: u8 = 1;
/// See [`INTENSITY_MIN`].
pub const INTENSITY_MAX: u8 = 5;

fn default_schema() -> String {
    SCHEMA_ID.to_string()
}

/// One therapy session transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Format tag; optional in user files, must equal [`SCHEMA_ID`] if given.
    #[serde(default = "default_schema")]
    pub schema: String,
    /// Identifier; user files may omit it, the loader then uses the file stem.
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Short description of the couple and the presenting problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub couple: Option<String>,
    /// Who may speak. When present, every turn's speaker must be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<Participant>>,
    pub turns: Vec<Turn>,
}

/// A speaker label and the person behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Role label used in turns, e.g. "Therapist" or "Client A".
    pub speaker: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One speaking turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turn {
    pub speaker: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// Emotional intensity of the turn, 1 (calm) to 5 (very intense).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_intensity"
    )]
    pub intensity: Option<u8>,
    /// Set on the turn where the dynamic shifts. Always written (as `null`
    /// when absent) so a reader of generated files sees that the annotation
    /// exists and was deliberately left empty.
    #[serde(default)]
    pub shift: Option<Shift>,
}

/// Stage of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Opening,
    Exploration,
    Intervention,
    Closing,
}

/// Kind of change in the conversational dynamic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shift {
    /// Conflict heats up sharply.
    Escalation,
    /// A break in contact: a partner shuts down, threatens to leave, or
    /// turns against the therapist.
    Rupture,
    /// Contact is restored: apology, re-engagement, softening.
    Repair,
    /// A new, vulnerable understanding emerges between the partners.
    Breakthrough,
}

impl Phase {
    /// All phases in session order.
    pub const ALL: [Phase; 4] = [
        Phase::Opening,
        Phase::Exploration,
        Phase::Intervention,
        Phase::Closing,
    ];

    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Opening => "opening",
            Phase::Exploration => "exploration",
            Phase::Intervention => "intervention",
            Phase::Closing => "closing",
        }
    }
}

impl Shift {
    /// All shift kinds.
    pub const ALL: [Shift; 4] = [
        Shift::Escalation,
        Shift::Rupture,
        Shift::Repair,
        Shift::Breakthrough,
    ];

    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Shift::Escalation => "escalation",
            Shift::Rupture => "rupture",
            Shift::Repair => "repair",
            Shift::Breakthrough => "breakthrough",
        }
    }
}

impl Turn {
    /// The label the tokenizer puts before each turn: the speaker and a colon,
    /// e.g. `"Therapist:"` or `"Client A:"`.
    pub fn role_prefix(&self) -> String {
        format!("{}:", self.speaker)
    }

    /// The turn as one transcript line, `"<Speaker>: <text>\n"`.
    pub fn transcript_line(&self) -> String {
        format!("{} {}\n", self.role_prefix(), self.text)
    }
}

impl Session {
    /// The whole session as plain transcript text, one line per turn.
    pub fn transcript(&self) -> String {
        self.turns.iter().map(Turn::transcript_line).collect()
    }
}

/// Canonical serialisation: pretty JSON with 2-space indentation, fields in
/// declaration order, and a trailing newline. Contains no maps, so the output
/// is byte-identical for equal sessions.
pub fn to_canonical_json(session: &Session) -> String {
    let mut s = serde_json::to_string_pretty(session).expect("a Session always serialises");
    s.push('\n');
    s
}

/// Parses `intensity` so that both a wrong type and an out-of-range number get
/// a message saying what is allowed; serde_json then adds line and column.
fn de_intensity<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    Ok(Option::<IntensityValue>::deserialize(d)?.map(|v| v.0))
}

struct IntensityValue(u8);

impl<'de> Deserialize<'de> for IntensityValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntensityVisitor)
    }
}

struct IntensityVisitor;

impl IntensityVisitor {
    fn check<E: de::Error>(v: i128) -> Result<IntensityValue, E> {
        if (i128::from(INTENSITY_MIN)..=i128::from(INTENSITY_MAX)).contains(&v) {
            Ok(IntensityValue(v as u8))
        } else {
            Err(E::custom(format!(
                "intensity {v} is outside {INTENSITY_MIN}\u{2013}{INTENSITY_MAX}; use an integer \
                 from {INTENSITY_MIN} (calm) to {INTENSITY_MAX} (very intense)"
            )))
        }
    }
}

impl Visitor<'_> for IntensityVisitor {
    type Value = IntensityValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "an integer intensity from {INTENSITY_MIN} to {INTENSITY_MAX}"
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::check(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::check(i128::from(v))
    }
}
