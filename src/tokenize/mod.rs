//! GPT-2 tokens for the sessions (paper §4.1, §4.4), offline.
//!
//! - BPE: GPT-2's `r50k_base` ranks as shipped inside tiktoken-rs (no download).
//! - Each turn becomes `"<Speaker>: <text>\n"` and is encoded on its own, so every token
//!   belongs to exactly one turn (the shift labels need that); GPT-2's pre-tokenizer splits at
//!   the newline anyway, so this differs from encoding the concatenation at most at a turn's
//!   last token.
//! - Sessions are concatenated, in file order, into one corpus; a sequence of length N is the
//!   corpus' first N tokens, zero-padded (id 0) past its end (§4.4).
//! - The paper pairs the GPT-2 tokenizer (ids up to 50,256) with a 32,000-token vocabulary,
//!   which cannot hold them. [`VocabPolicy`] decides; the count of tokens it touches is
//!   reported with the results.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::data::{Phase, Session, Shift};

/// GPT-2's vocabulary size.
pub const GPT2_VOCAB: usize = 50_257;
/// The id written past the end of the corpus ("zero-padding").
pub const PAD_ID: i64 = 0;

/// What to do with GPT-2 ids that a 32,000-token embedding cannot hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum VocabPolicy {
    /// id mod vocab: keeps the models at the paper's size and distinct ids mostly distinct.
    #[default]
    Modulo,
    /// Every out-of-range id becomes vocab − 1 (one shared "unknown").
    Clamp,
    /// Grow both models' vocabulary to GPT-2's 50,257 (changes the parameter counts).
    Extend,
}

impl VocabPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            VocabPolicy::Modulo => "modulo",
            VocabPolicy::Clamp => "clamp",
            VocabPolicy::Extend => "extend",
        }
    }
    /// The models' vocabulary under this policy, given the paper's.
    pub fn model_vocab(self, paper_vocab: usize) -> usize {
        match self {
            VocabPolicy::Extend => GPT2_VOCAB.max(paper_vocab),
            _ => paper_vocab,
        }
    }
}

/// Where one turn's tokens sit in the corpus.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TurnSpan {
    pub session: usize,
    pub turn: usize,
    pub start: usize,
    pub end: usize,
    pub phase: Option<Phase>,
    pub shift: Option<Shift>,
    pub intensity: Option<u8>,
}

/// Where one session's tokens sit in the corpus.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SessionSpan {
    pub id: String,
    pub start: usize,
    pub end: usize,
}

/// The tokenized corpus.
#[derive(Clone, Debug, PartialEq)]
pub struct Corpus {
    /// GPT-2 ids, before any vocabulary mapping.
    pub raw_ids: Vec<u32>,
    pub sessions: Vec<SessionSpan>,
    pub turns: Vec<TurnSpan>,
}

/// The result of mapping ids into a model vocabulary.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VocabMapping {
    pub policy: VocabPolicy,
    pub vocab: usize,
    pub total_tokens: usize,
    /// Tokens whose id was changed by the policy.
    pub remapped_tokens: usize,
    /// Distinct ids that were changed.
    pub remapped_distinct: usize,
    pub max_raw_id: u32,
}

/// The GPT-2 encoder.
pub fn gpt2() -> Result<tiktoken_rs::CoreBPE> {
    tiktoken_rs::r50k_base().context("loading GPT-2's r50k_base ranks bundled with tiktoken-rs")
}

/// The text the tokenizer sees for one turn.
pub fn turn_text(speaker: &str, text: &str) -> String {
    format!("{speaker}: {text}\n")
}

/// Tokenizes sessions into one corpus (see the module docs).
pub fn tokenize(sessions: &[Session]) -> Result<Corpus> {
    let bpe = gpt2()?;
    let mut raw_ids = Vec::new();
    let mut spans = Vec::new();
    let mut turns = Vec::new();
    for (si, s) in sessions.iter().enumerate() {
        let start = raw_ids.len();
        for (ti, t) in s.turns.iter().enumerate() {
            let ids = bpe.encode_ordinary(&turn_text(&t.speaker, &t.text));
            let ts = raw_ids.len();
            raw_ids.extend(ids);
            turns.push(TurnSpan {
                session: si,
                turn: ti,
                start: ts,
                end: raw_ids.len(),
                phase: t.phase,
                shift: t.shift,
                intensity: t.intensity,
            });
        }
        spans.push(SessionSpan {
            id: s.id.clone(),
            start,
            end: raw_ids.len(),
        });
    }
    Ok(Corpus {
        raw_ids,
        sessions: spans,
        turns,
    })
}

/// Maps raw GPT-2 ids into `vocab` under `policy`.
pub fn map_ids(raw: &[u32], vocab: usize, policy: VocabPolicy) -> (Vec<i64>, VocabMapping) {
    let vocab = policy.model_vocab(vocab);
    let mut distinct = std::collections::BTreeSet::new();
    let ids: Vec<i64> = raw
        .iter()
        .map(|&id| {
            let id = id as usize;
            if id < vocab {
                return id as i64;
            }
            distinct.insert(id);
            match policy {
                VocabPolicy::Modulo | VocabPolicy::Extend => (id % vocab) as i64,
                VocabPolicy::Clamp => (vocab - 1) as i64,
            }
        })
        .collect();
    let remapped_tokens = raw.iter().filter(|&&id| id as usize >= vocab).count();
    let mapping = VocabMapping {
        policy,
        vocab,
        total_tokens: raw.len(),
        remapped_tokens,
        remapped_distinct: distinct.len(),
        max_raw_id: raw.iter().copied().max().unwrap_or(0),
    };
    (ids, mapping)
}

/// The first `n` ids of the corpus, zero-padded past its end (§4.4).
pub fn sequence(ids: &[i64], n: usize) -> Vec<i64> {
    let mut out: Vec<i64> = ids.iter().take(n).copied().collect();
    out.resize(n, PAD_ID);
    out
}

/// Per-session and total token counts, and the vocabulary mapping: `tokens/corpus.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CorpusStats {
    pub tokenizer: String,
    pub sessions: Vec<SessionStats>,
    pub total_tokens: usize,
    pub total_turns: usize,
    pub mapping: VocabMapping,
    pub pad_id: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SessionStats {
    pub id: String,
    pub tokens: usize,
    pub turns: usize,
    pub shifts: usize,
}

impl CorpusStats {
    pub fn new(corpus: &Corpus, mapping: VocabMapping) -> Self {
        let sessions = corpus
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| SessionStats {
                id: s.id.clone(),
                tokens: s.end - s.start,
                turns: corpus.turns.iter().filter(|t| t.session == i).count(),
                shifts: corpus
                    .turns
                    .iter()
                    .filter(|t| t.session == i && t.shift.is_some())
                    .count(),
            })
            .collect();
        Self {
            tokenizer: "GPT-2 BPE (r50k_base, tiktoken-rs 0.12)".into(),
            sessions,
            total_tokens: corpus.raw_ids.len(),
            total_turns: corpus.turns.len(),
            mapping,
            pad_id: PAD_ID,
        }
    }
}
