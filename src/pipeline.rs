//! The path every result flows through: verified data → tokens → the sequences the models read.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::{
    data::{self, LoadedSession},
    manifest,
    profile::Profile,
    tokenize::{self, Corpus, CorpusStats, VocabMapping},
};

/// Everything the benchmarks and analyses read, prepared once per run.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub data_dir: PathBuf,
    pub sessions: Vec<LoadedSession>,
    pub corpus: Corpus,
    /// The corpus' ids mapped into the models' vocabulary.
    pub ids: Vec<i64>,
    pub mapping: VocabMapping,
}

impl Inputs {
    /// Verifies `data_dir`'s sha256 pin, then loads (validating every file) and tokenizes.
    /// Nothing is read before the hashes match, and nothing runs on partial data.
    pub fn prepare(data_dir: &Path, profile: &Profile) -> Result<Self> {
        manifest::verify_data_dir(data_dir)?;
        let sessions = data::load_dir(data_dir)?;
        let plain: Vec<_> = sessions.iter().map(|s| s.session.clone()).collect();
        let corpus = tokenize::tokenize(&plain)?;
        let (ids, mapping) = tokenize::map_ids(
            &corpus.raw_ids,
            profile.llama.vocab_size,
            profile.vocab_policy,
        );
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            sessions,
            corpus,
            ids,
            mapping,
        })
    }

    /// The first `n` tokens, zero-padded past the corpus (§4.4).
    pub fn sequence(&self, n: usize) -> Vec<i64> {
        tokenize::sequence(&self.ids, n)
    }

    pub fn stats(&self) -> CorpusStats {
        CorpusStats::new(&self.corpus, self.mapping.clone())
    }
}

/// The profile with both models' vocabulary set by the vocabulary policy.
pub fn effective_profile(mut profile: Profile) -> Profile {
    let vocab = profile.vocab_policy.model_vocab(profile.llama.vocab_size);
    profile.llama.vocab_size = vocab;
    profile.mamba.vocab_size = vocab;
    profile
}
