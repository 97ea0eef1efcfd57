//! Consistency checks over every hand-written bank. A typo in a slot name or
//! a missing `|` would otherwise surface only when the generator happens to
//! draw that line, possibly for some seeds only.

use crate::data::banks::{self, RoleBank, client, therapist, therapist2};
use crate::data::generate::{Decks, Gen, Who, cast};
use crate::data::rng::Rng;
use std::collections::BTreeSet;

/// Every shared bank, named for failure messages.
fn shared() -> Vec<(&'static str, &'static [&'static str])> {
    macro_rules! list {
        ($($m:ident :: $b:ident),* $(,)?) => {
            vec![$((concat!(stringify!($m), "::", stringify!($b)), $m::$b)),*]
        };
    }
    list![
        therapist::GREET,
        therapist::CHECKIN_Q,
        therapist::AGENDA_Q,
        therapist::TURN_TO_OTHER,
        therapist::REFLECT,
        therapist::VALIDATE,
        therapist::WONDER,
        therapist::TRANSITION,
        therapist::OPEN_Q,
        therapist::INVITE_Q,
        therapist::STORY_Q,
        therapist::FOLLOWUP,
        therapist::BACKCHANNEL,
        therapist::AFTER_RETURN,
        therapist::SUMMARY_OPEN,
        therapist::SUMMARY_JOIN,
        therapist::SUMMARY_CLOSE,
        therapist::DEESCALATE,
        therapist::FEELING_UNDER_Q,
        therapist::ORIGIN_Q,
        therapist::LINK_ORIGIN,
        therapist2::REFRAME_INTRO,
        therapist2::CYCLE,
        therapist2::ENACT_SETUP,
        therapist2::ENACT_COACH,
        therapist2::ENACT_LISTENER,
        therapist2::ENACT_AFTER,
        therapist2::BREAKTHROUGH_MARK,
        therapist2::SCALE_OPEN,
        therapist2::SCALE_MID,
        therapist2::SCALE_CLOSE,
        therapist2::SCALE_FOLLOW,
        therapist2::SKILL_INTRO,
        therapist2::SKILL_REDIRECT,
        therapist2::ASK_PARAPHRASE,
        therapist2::SKILL_PRAISE,
        therapist2::CHALLENGE,
        therapist2::RUPTURE_REPAIR,
        therapist2::SHUTDOWN_RESPONSE,
        therapist2::INVITE_REPAIR,
        therapist2::MARK_REPAIR,
        therapist2::HOMEWORK_INTRO,
        therapist2::HOMEWORK_CHECK,
        therapist2::CLOSE_Q,
        therapist2::PARTING_Q,
        therapist2::CLOSE_APPRECIATE,
        therapist2::GOODBYE,
        client::CHECKIN,
        client::CHECKIN_MORE,
        client::ELABORATE,
        client::FEEL_MORE,
        client::SHORT_NEUTRAL,
        client::SHORT_PROTEST,
        client::SHORT_AGREE,
        client::INTERRUPTED,
        client::INTERRUPTER,
        client::HEATED,
        client::DEFENSIVE,
        client::SHUTDOWN,
        client::SHUTDOWN_REACT,
        client::THERAPIST_RUPTURE,
        client::REENGAGE_SHUTDOWN,
        client::REENGAGE_THERAPIST,
        client::APOLOGY,
        client::HEARD,
        client::RECEIVE,
        client::ENACT_REPLY,
        client::HESITATE,
        client::RESPOND_REFLECT,
        client::SKEPTIC,
        client::INSIGHT,
        client::ORIGIN,
        client::BLAME_TRY,
        client::PARAPHRASE,
        client::SCALE_NUM,
        client::SCALE_LOW,
        client::SCALE_HIGH,
        client::SCALE_MOVE,
        client::HOMEWORK_RESP,
        client::CLOSING,
        client::PARTING,
        client::LOGISTICS,
        client::MARKERS,
        client::NARRATIVE_MARKERS,
    ]
}

/// A role's banks with the number of `|`-separated parts each entry has.
/// In Points and incidents the second part is the therapist's reflection,
/// a lower-case clause without final punctuation.
fn role_banks(r: &RoleBank) -> Vec<(&'static str, &'static [&'static str], usize)> {
    vec![
        ("presenting", r.presenting, 2),
        ("complaints", r.complaints, 2),
        ("incidents", r.incidents, 3),
        ("soft", r.soft, 2),
        ("extra", r.extra, 1),
        ("counters", r.counters, 1),
        ("heated", r.heated, 1),
        ("origin", r.origin, 1),
        ("to_partner", r.to_partner, 1),
        ("enactments", r.enactments, 3),
        ("hopes", r.hopes, 1),
        ("asked", r.asked, 1),
        ("reframes", r.reframes, 1),
    ]
}

/// Values for the per-call slots some banks use.
const EXTRA: &[(&str, &str)] = &[
    ("r", "you feel unheard"),
    ("R", "You feel unheard"),
    ("ra", "you feel unheard"),
    ("rb", "you feel cornered"),
    ("n", "four"),
    ("n2", "five"),
    ("an", "a four"),
    ("an2", "a five"),
];

fn check_rendered(name: &str, text: &str, is_marker: bool) {
    assert!(
        !text.contains(['{', '}', '|']),
        "{name}: unrendered: {text}"
    );
    assert!(!text.contains("  "), "{name}: double space: {text}");
    if !is_marker {
        assert_eq!(text.trim(), text, "{name}: stray whitespace: {text:?}");
        let end = text.chars().last().unwrap();
        assert!(
            ".?!\u{2014}".contains(end),
            "{name}: no final punctuation: {text}"
        );
    }
}

#[test]
fn every_template_renders_for_every_topic_and_speaker() {
    let mut rng = Rng::new(1);
    let mut decks = Decks::default();
    let casts = cast(&mut rng);
    for (topic, cast) in banks::topics().into_iter().zip(casts) {
        let g = Gen::new(&mut rng, &mut decks, topic, cast);
        for x in [Who::A, Who::B] {
            for (name, bank) in shared() {
                let markers = name.contains("MARKERS");
                for tpl in bank {
                    assert!(!tpl.contains(" | "), "{name}: unexpected pair: {tpl}");
                    check_rendered(name, &g.fill(tpl, x, EXTRA), markers);
                }
            }
            for r in [&topic.a, &topic.b] {
                for (name, bank, parts) in role_banks(r) {
                    for tpl in bank {
                        let split: Vec<&str> = tpl.split(" | ").collect();
                        assert_eq!(split.len(), parts, "{name}: wrong part count: {tpl}");
                        let reflects = name != "enactments";
                        for (i, p) in split.into_iter().enumerate() {
                            let text = g.fill(p, x, &[]);
                            if reflects && i == 1 {
                                check_rendered(name, &text, true);
                                assert!(!text.ends_with('.'), "{name}: reflection: {text}");
                            } else {
                                check_rendered(name, &text, false);
                            }
                        }
                    }
                }
            }
            for tpl in topic.cycle.iter().chain(topic.homework) {
                check_rendered("topic", &g.fill(tpl, x, &[]), false);
            }
            check_rendered("title", &g.fill(topic.title, x, &[]), true);
            check_rendered("couple", &g.fill(topic.couple, x, &[]), true);
        }
    }
}

/// Decks are keyed by (first item, length); two banks sharing a key would
/// silently share a deck.
#[test]
fn deck_keys_are_unique() {
    let mut keys = BTreeSet::new();
    let mut all: Vec<(&str, &'static [&'static str])> = shared();
    for topic in banks::topics() {
        for r in [&topic.a, &topic.b] {
            all.extend(role_banks(r).into_iter().map(|(n, b, _)| (n, b)));
        }
        all.push(("cycle", topic.cycle));
        all.push(("homework", topic.homework));
    }
    for (name, bank) in all {
        assert!(!bank.is_empty(), "{name} is empty");
        assert!(
            keys.insert((bank[0], bank.len())),
            "{name} shares a deck key"
        );
    }
}

#[test]
fn no_line_is_duplicated_across_banks() {
    let mut seen = BTreeSet::new();
    let mut lines: Vec<&str> = shared()
        .into_iter()
        .filter(|(name, _)| !name.contains("MARKERS"))
        .flat_map(|(_, b)| b.iter().copied())
        .collect();
    for topic in banks::topics() {
        for r in [&topic.a, &topic.b] {
            for (_, bank, _) in role_banks(r) {
                lines.extend(bank.iter().flat_map(|t| t.split(" | ")));
            }
        }
    }
    for line in lines {
        assert!(seen.insert(line), "duplicated line: {line}");
    }
}

#[test]
fn banks_are_large_enough_to_avoid_repetition() {
    let lines: usize = shared().iter().map(|(_, b)| b.len()).sum::<usize>()
        + banks::topics()
            .iter()
            .flat_map(|t| [&t.a, &t.b])
            .flat_map(role_banks)
            .map(|(_, b, _)| b.len())
            .sum::<usize>();
    assert!(lines > 1_500, "only {lines} hand-written lines");
}
