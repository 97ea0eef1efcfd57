//! The path every result flows through: pinned data → tokens → the benchmark protocol.

use std::path::{Path, PathBuf};

use ssmbench::{
    backend::CpuPlatform,
    bench::{
        rows::read_rows,
        sweep::{Isolation, run_sweep},
    },
    data,
    pipeline::Inputs,
    profile::Profile,
    tokenize::{self, VocabPolicy},
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("pipeline-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn committed_sessions_regenerate_byte_identical() {
    let dir = scratch("regen");
    let files = data::write_sessions(&dir, &data::generate_sessions(data::DEFAULT_SEED)).unwrap();
    assert_eq!(files.len(), 4);
    for f in files {
        let name = f.file_name().unwrap();
        let committed = std::fs::read(repo().join("data").join("sessions").join(name)).unwrap();
        assert!(
            std::fs::read(&f).unwrap() == committed,
            "{name:?} differs from data/sessions"
        );
    }
}

#[test]
fn a_tampered_session_is_refused_before_anything_runs() {
    let root = scratch("tamper");
    let sessions = root.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    for e in std::fs::read_dir(repo().join("data").join("sessions")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, sessions.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::copy(
        repo().join("data").join("SHA256SUMS"),
        root.join("SHA256SUMS"),
    )
    .unwrap();
    assert!(Inputs::prepare(&sessions, &Profile::smoke()).is_ok());

    // One changed byte in one session.
    let f = sessions.join("session-02.json");
    let mut bytes = std::fs::read(&f).unwrap();
    let i = bytes.iter().position(|&b| b == b'a').unwrap();
    bytes[i] = b'b';
    std::fs::write(&f, bytes).unwrap();
    let err = format!(
        "{:#}",
        Inputs::prepare(&sessions, &Profile::smoke()).unwrap_err()
    );
    assert!(
        err.contains("session-02.json") && err.contains("expected") && err.contains("actual"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn turns_round_trip_through_the_tokenizer() {
    let bpe = tokenize::gpt2().unwrap();
    for s in data::generate_sessions(data::DEFAULT_SEED).iter().take(1) {
        for t in s.turns.iter().take(40) {
            let text = tokenize::turn_text(&t.speaker, &t.text);
            let ids = bpe.encode_ordinary(&text);
            assert_eq!(bpe.decode(&ids).unwrap(), text);
        }
    }
}

#[test]
fn vocabulary_policies_keep_ids_in_range_and_count_what_they_touch() {
    let raw = [5u32, 31_999, 32_000, 50_256, 40_000, 40_000];
    let (ids, m) = tokenize::map_ids(&raw, 32_000, VocabPolicy::Modulo);
    assert_eq!(ids, vec![5, 31_999, 0, 18_256, 8_000, 8_000]);
    assert_eq!(
        (m.remapped_tokens, m.remapped_distinct, m.max_raw_id),
        (4, 3, 50_256)
    );
    let (ids, _) = tokenize::map_ids(&raw, 32_000, VocabPolicy::Clamp);
    assert!(ids.iter().all(|&i| i < 32_000) && ids[3] == 31_999);
    let (ids, m) = tokenize::map_ids(&raw, 32_000, VocabPolicy::Extend);
    assert_eq!(m.remapped_tokens, 0);
    assert_eq!(ids[3], 50_256);
    assert_eq!(tokenize::sequence(&[7, 8], 4), vec![7, 8, 0, 0]);
}

#[test]
fn the_sweep_times_the_protocols_runs_and_records_a_failure_as_a_row() {
    let mut profile = Profile::smoke();
    profile.efficiency.seeds = vec![0];
    profile.efficiency.extended_seeds = vec![];
    let ids: Vec<i64> = (0..256).map(|i| i % 97).collect();
    let sweep = |profile: &Profile, out: &Path| {
        run_sweep(
            &CpuPlatform::new(),
            profile,
            &ids,
            out,
            &Isolation::InProcess,
            true,
        )
        .unwrap();
    };
    let out = scratch("sweep").join("runs.csv");
    sweep(&profile, &out);
    let rows = read_rows(&out).unwrap();
    for model in ["llama", "mamba"] {
        for &n in &profile.efficiency.lengths {
            let ok = rows
                .iter()
                .filter(|r| r.model == model && r.n == n && !r.failed())
                .count();
            assert_eq!(
                ok, profile.efficiency.runs,
                "{model} N={n}: one row per timed run"
            );
        }
    }
    // Resumable: a second sweep adds nothing.
    sweep(&profile, &out);
    assert_eq!(read_rows(&out).unwrap().len(), rows.len());

    // Over budget at the first length: one failure row (inf, with the reason), and the
    // larger lengths of that seed are not attempted.
    profile.efficiency.max_forward_s = 1e-9;
    let out = scratch("sweep-budget").join("runs.csv");
    sweep(&profile, &out);
    let rows = read_rows(&out).unwrap();
    for model in ["llama", "mamba"] {
        let mine: Vec<_> = rows.iter().filter(|r| r.model == model).collect();
        assert_eq!(mine.len(), 1, "{model}: {mine:?}");
        assert!(mine[0].failed() && mine[0].time_ms.is_infinite() && mine[0].run.is_none());
        assert!(
            mine[0].error.starts_with("time budget"),
            "{}",
            mine[0].error
        );
    }
}
