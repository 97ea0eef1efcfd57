//! Tests for the `data` stage: generator properties, canonical output,
//! and one-line errors for every kind of malformed user data.

use ssmbench::data::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The default corpus, generated once for all tests in this file.
fn corpus() -> &'static [Session] {
    static CORPUS: OnceLock<Vec<Session>> = OnceLock::new();
    CORPUS.get_or_init(|| generate_sessions(DEFAULT_SEED))
}

/// A fresh, empty scratch directory under cargo's per-target temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("data-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Sentences of a turn: split after '.', '?', '!' or an em dash that ends
/// the text or is followed by a space.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        cur.push(c);
        let end = matches!(c, '.' | '?' | '!' | '\u{2014}');
        if end && chars.get(i + 1).is_none_or(|n| *n == ' ') {
            out.push(cur.trim().to_string());
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

fn is_client(t: &Turn) -> bool {
    t.speaker.starts_with("Client")
}

// ----- generator --------------------------------------------------------

#[test]
fn generation_is_deterministic_and_seed_dependent() {
    let again = generate_sessions(DEFAULT_SEED);
    assert_eq!(corpus().len(), again.len());
    for (a, b) in corpus().iter().zip(&again) {
        assert_eq!(to_canonical_json(a), to_canonical_json(b));
    }
    let other = generate_sessions(DEFAULT_SEED + 1);
    for (a, b) in corpus().iter().zip(&other) {
        assert_ne!(
            a.transcript(),
            b.transcript(),
            "{}: seed had no effect",
            a.id
        );
    }
}

#[test]
fn four_sessions_with_distinct_people() {
    let sessions = corpus();
    assert_eq!(sessions.len(), 4);
    assert_eq!(SESSION_COUNT, 4);
    let mut names = BTreeSet::new();
    for (i, s) in sessions.iter().enumerate() {
        assert_eq!(s.id, format!("session-{:02}", i + 1));
        assert_eq!(s.schema, SCHEMA_ID);
        let ps = s
            .participants
            .as_ref()
            .expect("generated sessions list participants");
        let labels: Vec<&str> = ps.iter().map(|p| p.speaker.as_str()).collect();
        assert_eq!(labels, ["Therapist", "Client A", "Client B"]);
        for p in ps {
            let name = p.name.clone().expect("participants are named");
            assert!(
                names.insert(name.clone()),
                "name {name} reused across sessions"
            );
        }
        for t in &s.turns {
            assert!(
                labels.contains(&t.speaker.as_str()),
                "{}: stray speaker",
                s.id
            );
        }
        assert!(s.title.is_some() && s.couple.is_some());
    }
    let couples: BTreeSet<_> = sessions.iter().map(|s| s.couple.clone()).collect();
    assert_eq!(
        couples.len(),
        4,
        "each session has its own presenting problem"
    );
}

#[test]
fn token_counts_fit_a_fifty_minute_session() {
    let bpe = tiktoken_rs::r50k_base().unwrap();
    for s in corpus() {
        let text: String = s
            .turns
            .iter()
            .map(|t| format!("{} {}\n", t.role_prefix(), t.text))
            .collect();
        assert_eq!(text, s.transcript());
        let n = bpe.encode_ordinary(&text).len();
        assert!((6_000..=10_000).contains(&n), "{}: {n} tokens", s.id);
    }
}

#[test]
fn phases_run_in_order_with_plausible_shares() {
    for s in corpus() {
        let phases: Vec<Phase> = s.turns.iter().map(|t| t.phase.unwrap()).collect();
        assert!(phases.is_sorted(), "{}: phases out of order", s.id);
        let n = phases.len() as f64;
        let share = |p: Phase| phases.iter().filter(|&&q| q == p).count() as f64 / n;
        let bounds = [
            (Phase::Opening, 0.05, 0.16),
            (Phase::Exploration, 0.25, 0.45),
            (Phase::Intervention, 0.30, 0.50),
            (Phase::Closing, 0.07, 0.22),
        ];
        for (p, lo, hi) in bounds {
            let x = share(p);
            assert!(
                (lo..=hi).contains(&x),
                "{}: {} share {x:.2}",
                s.id,
                p.as_str()
            );
        }
    }
}

#[test]
fn shifts_are_annotated_and_placed_plausibly() {
    let mut kinds = BTreeSet::new();
    for s in corpus() {
        let shifts: Vec<(usize, Shift)> = s
            .turns
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.shift.map(|k| (i, k)))
            .collect();
        assert!(shifts.len() >= 4, "{}: only {} shifts", s.id, shifts.len());
        for &(i, kind) in &shifts {
            kinds.insert(kind);
            let t = &s.turns[i];
            assert!(is_client(t), "{}: shift on a therapist turn", s.id);
            let level = t.intensity.unwrap();
            let before: Vec<u8> = s.turns[i.saturating_sub(4)..i]
                .iter()
                .map(|t| t.intensity.unwrap())
                .collect();
            let mean = before.iter().map(|&x| f64::from(x)).sum::<f64>() / before.len() as f64;
            match kind {
                Shift::Escalation => {
                    assert!(
                        level >= 4 && f64::from(level) > mean,
                        "{}: flat escalation at {i}",
                        s.id
                    );
                    assert!(
                        shifts.iter().any(|&(j, k)| j > i && k == Shift::Repair),
                        "{}: escalation at {i} never repaired",
                        s.id
                    );
                }
                Shift::Rupture => assert!(level >= 4, "{}: mild rupture at {i}", s.id),
                Shift::Repair => {
                    let recent_peak = s.turns[i.saturating_sub(12)..i]
                        .iter()
                        .map(|t| t.intensity.unwrap())
                        .max()
                        .unwrap();
                    assert!(
                        level <= 3 && recent_peak >= 4,
                        "{}: repair at {i} repairs nothing",
                        s.id
                    );
                }
                Shift::Breakthrough => {
                    assert_eq!(
                        t.phase,
                        Some(Phase::Intervention),
                        "{}: breakthrough outside intervention",
                        s.id
                    );
                    assert!(level >= 3);
                }
            }
        }
    }
    assert_eq!(kinds.len(), 4, "all four kinds of shift occur: {kinds:?}");
}

#[test]
fn intensity_arcs_over_the_session() {
    for s in corpus() {
        let mean = |p: Phase| {
            let xs: Vec<f64> = s
                .turns
                .iter()
                .filter(|t| t.phase == Some(p))
                .map(|t| f64::from(t.intensity.unwrap()))
                .collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        };
        for t in &s.turns {
            assert!((1..=5).contains(&t.intensity.unwrap()));
        }
        let (open, explore, close) = (
            mean(Phase::Opening),
            mean(Phase::Exploration),
            mean(Phase::Closing),
        );
        assert!(
            open < explore && close < explore,
            "{}: {open:.2} {explore:.2} {close:.2}",
            s.id
        );
        assert!(
            s.turns.iter().any(|t| t.intensity == Some(5)),
            "{}: never peaks",
            s.id
        );
    }
}

#[test]
fn dialogue_is_varied() {
    for s in corpus() {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for t in &s.turns {
            for sentence in sentences(&t.text) {
                *counts.entry(sentence).or_default() += 1;
            }
        }
        let worst = counts.iter().max_by_key(|&(_, &c)| c).unwrap();
        assert!(
            *worst.1 <= 3,
            "{}: {:?} appears {} times",
            s.id,
            worst.0,
            worst.1
        );
        assert!(
            counts.len() > 450,
            "{}: only {} distinct sentences",
            s.id,
            counts.len()
        );
        let distinct: BTreeSet<&str> = s.turns.iter().map(|t| t.text.as_str()).collect();
        let ratio = distinct.len() as f64 / s.turns.len() as f64;
        assert!(ratio > 0.9, "{}: distinct-turn share {ratio:.3}", s.id);
    }
}

#[test]
fn turn_taking_is_not_mechanical() {
    for s in corpus() {
        let pairs = s.turns.windows(2);
        let n = pairs.len() as f64;
        let client_client = pairs
            .clone()
            .filter(|w| is_client(&w[0]) && is_client(&w[1]))
            .count();
        assert!(
            client_client as f64 / n > 0.1,
            "{}: clients rarely answer each other",
            s.id
        );
        for w in pairs {
            assert_ne!(
                w[0].speaker, w[1].speaker,
                "{}: same speaker twice in a row",
                s.id
            );
        }
        let therapist = s.turns.iter().filter(|t| !is_client(t)).count() as f64;
        assert!(
            therapist / (n + 1.0) < 0.5,
            "{}: therapist speaks every other turn",
            s.id
        );
        let short = s
            .turns
            .iter()
            .filter(|t| t.text.split_whitespace().count() <= 4)
            .count();
        assert!(short >= 12, "{}: no short turns", s.id);
        let interrupted = s
            .turns
            .iter()
            .filter(|t| t.text.ends_with('\u{2014}'))
            .count();
        assert!(interrupted >= 1, "{}: nobody gets interrupted", s.id);
    }
}

#[test]
fn texts_are_fully_rendered() {
    for s in corpus() {
        let mut all = vec![s.title.clone().unwrap(), s.couple.clone().unwrap()];
        all.extend(s.turns.iter().map(|t| t.text.clone()));
        for text in all {
            assert!(
                !text.contains(['{', '}', '|']),
                "{}: unrendered template in {text:?}",
                s.id
            );
            assert!(
                !text.contains("  ") && text.trim() == text,
                "{}: spacing in {text:?}",
                s.id
            );
            let body = match text.strip_prefix('[') {
                Some(rest) => rest.split_once("] ").map_or(rest, |(_, b)| b),
                None => &text,
            };
            let first = body.chars().next().unwrap();
            assert!(
                !first.is_lowercase(),
                "{}: lowercase start in {text:?}",
                s.id
            );
        }
    }
}

#[test]
fn role_prefix_is_label_and_colon() {
    let t = &corpus()[0].turns[0];
    assert_eq!(t.role_prefix(), "Therapist:");
    let c = corpus()[0]
        .turns
        .iter()
        .find(|t| t.speaker == "Client A")
        .unwrap();
    assert_eq!(c.role_prefix(), "Client A:");
}

// ----- canonical output and round trips -----------------------------------

#[test]
fn canonical_json_is_pretty_stable_and_round_trips() {
    let s = &corpus()[0];
    let json = to_canonical_json(s);
    assert!(json.ends_with("}\n"));
    assert!(
        json.starts_with("{\n  \"schema\": \"ssmbench.session/1\",\n  \"id\": \"session-01\",")
    );
    assert!(json.contains("\"shift\": null"));
    let back: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, s);
    assert_eq!(to_canonical_json(&back), json);
}

#[test]
fn write_then_load_dir_round_trips() {
    let dir = scratch("roundtrip");
    let paths = write_sessions(&dir, corpus()).unwrap();
    let names: Vec<_> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "session-01.json",
            "session-02.json",
            "session-03.json",
            "session-04.json"
        ]
    );
    fs::write(dir.join("SHA256SUMS"), "not json\n").unwrap();
    fs::write(dir.join("notes.txt"), "ignored").unwrap();
    let loaded = load_dir(&dir).unwrap();
    assert_eq!(loaded.len(), 4);
    for (l, s) in loaded.iter().zip(corpus()) {
        assert_eq!(&l.session, s);
        assert_eq!(
            fs::read_to_string(dir.join(&l.file)).unwrap(),
            to_canonical_json(s)
        );
    }
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn minimal_user_session_loads() {
    let dir = scratch("minimal");
    let body = r#"{"turns": [{"speaker": "Therapist", "text": "Hello."}, {"speaker": "Client", "text": "Hi."}]}"#;
    fs::write(dir.join("b.json"), body).unwrap();
    fs::write(dir.join("a.json"), format!("\u{feff}{body}")).unwrap();
    let loaded = load_dir(&dir).unwrap();
    assert_eq!(
        loaded.iter().map(|l| l.file.as_str()).collect::<Vec<_>>(),
        ["a.json", "b.json"]
    );
    let s = &loaded[0].session;
    assert_eq!(s.id, "a");
    assert_eq!(s.turns[1].role_prefix(), "Client:");
    assert_eq!(s.turns[0].phase, None);
    assert_eq!(s.turns[0].shift, None);
}

// ----- malformed input ---------------------------------------------------

/// Writes `bytes` as `name` in a fresh directory, loads the directory and
/// returns the error message, checking that it is one line naming the file.
fn load_error(case: &str, name: &str, bytes: &[u8]) -> String {
    let dir = scratch(case);
    fs::write(dir.join(name), bytes).unwrap();
    let err = load_dir(&dir).expect_err("malformed input must not load");
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "multi-line error: {msg}");
    assert!(msg.contains(name), "error does not name the file: {msg}");
    let direct = load_session(&dir.join(name)).expect_err("load_session agrees");
    assert_eq!(direct.to_string(), msg);
    msg
}

/// Asserts the message is positioned `<file>:<line>:<col>:`.
fn assert_position(msg: &str, name: &str, line: usize) {
    let at = msg
        .find(&format!("{name}:{line}:"))
        .unwrap_or_else(|| panic!("no {name}:{line}: in {msg}"));
    let rest = &msg[at + name.len() + format!(":{line}:").len()..];
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    assert!(
        !col.is_empty() && rest[col.len()..].starts_with(": "),
        "no column in {msg}"
    );
}

const TURN_OK: &str = r#"{"speaker": "Therapist", "text": "Hello."}"#;

#[test]
fn error_not_utf8_names_offset() {
    let mut bytes = br#"{"turns": [{"speaker": "Therapist", "text": "caf"#.to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\xe9\"}]}");
    let msg = load_error("utf8", "latin1.json", &bytes);
    assert!(msg.contains("not valid UTF-8"), "{msg}");
    assert!(msg.contains(&format!("offset {offset}")), "{msg}");
    assert_position(&msg, "latin1.json", 1);
}

#[test]
fn error_invalid_json_has_position() {
    let body = format!("{{\n  \"turns\": [\n    {TURN_OK}\n    {TURN_OK}\n  ]\n}}\n");
    let msg = load_error("syntax", "broken.json", body.as_bytes());
    assert!(msg.contains("invalid JSON"), "{msg}");
    assert!(msg.contains("expected"), "{msg}");
    assert_position(&msg, "broken.json", 4);
}

#[test]
fn error_wrong_type_has_position() {
    let body = "{\n  \"turns\": [\n    {\"speaker\": \"Therapist\", \"text\": \"Hi.\", \"intensity\": \"high\"}\n  ]\n}\n";
    let msg = load_error("wrongtype", "typed.json", body.as_bytes());
    assert!(msg.contains("does not match the session schema"), "{msg}");
    assert!(msg.contains("\"high\"") && msg.contains("integer"), "{msg}");
    assert_position(&msg, "typed.json", 3);
}

#[test]
fn error_unknown_field_is_not_ignored() {
    let body = "{\n  \"turns\": [\n    {\"speaker\": \"Therapist\", \"text\": \"Hi.\", \"shfit\": \"repair\"}\n  ]\n}\n";
    let msg = load_error("unknown", "typo.json", body.as_bytes());
    assert!(msg.contains("unknown field `shfit`"), "{msg}");
    assert_position(&msg, "typo.json", 3);
}

#[test]
fn error_empty_text_names_turn() {
    let body = format!(r#"{{"turns": [{TURN_OK}, {{"speaker": "Client A", "text": "  \n "}}]}}"#);
    let msg = load_error("emptytext", "blank.json", body.as_bytes());
    assert!(
        msg.contains("turn 2 (turns[1])") && msg.contains("empty text"),
        "{msg}"
    );
}

#[test]
fn error_session_without_turns() {
    let msg = load_error("noturns", "empty.json", br#"{"id": "x", "turns": []}"#);
    assert!(msg.contains("no turns"), "{msg}");
}

#[test]
fn error_intensity_out_of_range() {
    let body = "{\n  \"turns\": [\n    {\"speaker\": \"Therapist\", \"text\": \"Hi.\", \"intensity\": 7}\n  ]\n}\n";
    let msg = load_error("range", "hot.json", body.as_bytes());
    assert!(msg.contains("intensity 7 is outside 1\u{2013}5"), "{msg}");
    assert_position(&msg, "hot.json", 3);
}

#[test]
fn error_speaker_not_among_participants() {
    let body = format!(
        r#"{{"participants": [{{"speaker": "Therapist"}}, {{"speaker": "Client A"}}],
            "turns": [{TURN_OK}, {{"speaker": "Client C", "text": "Hi."}}]}}"#
    );
    let msg = load_error("speaker", "who.json", body.as_bytes());
    assert!(
        msg.contains("\"Client C\" is not among the participants (Therapist, Client A)"),
        "{msg}"
    );
    assert!(msg.contains("turn 2"), "{msg}");
}

#[test]
fn error_directory_without_sessions() {
    let dir = scratch("nosessions");
    let msg = load_dir(&dir).unwrap_err().to_string();
    assert!(
        msg.contains("no session files (*.json)") && !msg.contains('\n'),
        "{msg}"
    );
    fs::write(dir.join("SHA256SUMS"), "abc  session-01.json\n").unwrap();
    let msg = load_dir(&dir).unwrap_err().to_string();
    assert!(msg.contains("no session files"), "{msg}");
    assert!(msg.contains(&dir.display().to_string()), "{msg}");
}

#[test]
fn error_directory_missing() {
    let dir = scratch("missing").join("does-not-exist");
    let msg = load_dir(&dir).unwrap_err().to_string();
    assert!(
        msg.contains("does-not-exist") && msg.contains("not found"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[test]
fn one_bad_file_fails_the_whole_directory() {
    let dir = scratch("partial");
    write_sessions(&dir, &corpus()[..1]).unwrap();
    fs::write(dir.join("session-02.json"), "{\"turns\": [").unwrap();
    let msg = load_dir(&dir).unwrap_err().to_string();
    assert!(
        msg.contains("session-02.json") && msg.contains("invalid JSON"),
        "{msg}"
    );
}
