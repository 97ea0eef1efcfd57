//! Deterministic session generator: the machinery (casting, slot filling,
//! drawing from banks, emitting turns). The session script itself, phase by
//! phase, lives in `script.rs`.

use crate::data::banks::{self, RoleBank, Topic, client as cb, people, therapist as tb};
use crate::data::rng::Rng;
use crate::data::schema::{Participant, Phase, SCHEMA_ID, Session, Shift, Turn};
use crate::data::slots::{article, capitalize, decapitalize, spell, tidy};
use std::collections::BTreeMap;

/// Seed used by the project for the shipped corpus.
pub const DEFAULT_SEED: u64 = 20260101;

/// Number of sessions in a generated corpus (as in the paper).
pub const SESSION_COUNT: usize = 4;

/// Generates the corpus: one session per presenting problem, in a fixed
/// order, fully determined by `seed`.
pub fn generate_sessions(seed: u64) -> Vec<Session> {
    let mut rng = Rng::new(seed);
    // Decks persist across sessions so the shared therapist/client banks are
    // spread over the corpus instead of every session opening the same way.
    let mut decks = Decks::default();
    let casts = cast(&mut rng);
    let mut out = Vec::with_capacity(SESSION_COUNT);
    for (i, (topic, cast)) in banks::topics().into_iter().zip(casts).enumerate() {
        let mut g = Gen::new(&mut rng, &mut decks, topic, cast);
        g.run();
        out.push(g.into_session(i));
    }
    out
}

/// Client A or Client B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    A,
    B,
}

impl Who {
    pub(super) fn other(self) -> Who {
        match self {
            Who::A => Who::B,
            Who::B => Who::A,
        }
    }

    pub(super) fn idx(self) -> usize {
        match self {
            Who::A => 0,
            Who::B => 1,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Who::A => "Client A",
            Who::B => "Client B",
        }
    }
}

const THERAPIST: &str = "Therapist";

pub(super) struct Person {
    pub(super) name: &'static str,
    pub(super) she: bool,
}

pub(super) struct Cast {
    pub(super) therapist: (&'static str, &'static str),
    pub(super) clients: [Person; 2],
}

/// Picks distinct names for all sessions up front: shuffled pools are popped,
/// so no name repeats anywhere in the corpus.
pub(super) fn cast(rng: &mut Rng) -> Vec<Cast> {
    let mut female = people::FEMALE.to_vec();
    let mut male = people::MALE.to_vec();
    let mut therapists = people::THERAPISTS.to_vec();
    rng.shuffle(&mut female);
    rng.shuffle(&mut male);
    rng.shuffle(&mut therapists);
    let mut person = |she: bool| Person {
        name: if she { female.pop() } else { male.pop() }.expect("name pools are large enough"),
        she,
    };
    let mut casts = Vec::with_capacity(SESSION_COUNT);
    for _ in 0..SESSION_COUNT {
        // Mostly mixed-gender couples, some same-gender ones; banks avoid
        // gendered nouns, pronouns come from the slots.
        let (a_she, b_she) = [(true, false), (false, true), (true, true), (false, false)]
            [rng.weighted(&[40, 40, 10, 10])];
        casts.push(Cast {
            therapist: therapists.pop().expect("enough therapists"),
            clients: [person(a_she), person(b_she)],
        });
    }
    casts
}

/// Shuffled decks per bank: items are dealt without replacement and the deck
/// is reshuffled only when exhausted, which bounds verbatim repetition.
/// Keyed by the bank's first item and length (not its address, which the
/// compiler may merge or move), and only ever looked up, never iterated.
#[derive(Default)]
pub(super) struct Decks {
    decks: BTreeMap<(&'static str, usize), Deck>,
}

#[derive(Default)]
struct Deck {
    order: Vec<usize>,
    next: usize,
}

impl Decks {
    fn draw(&mut self, rng: &mut Rng, bank: &'static [&'static str]) -> &'static str {
        let deck = self.decks.entry((bank[0], bank.len())).or_default();
        if deck.next >= deck.order.len() {
            let last = deck.order.last().copied();
            let mut order: Vec<usize> = (0..bank.len()).collect();
            rng.shuffle(&mut order);
            // No immediate repeat across a reshuffle.
            if order.len() > 1 && order.first().copied() == last {
                let j = 1 + rng.below(order.len() - 1);
                order.swap(0, j);
            }
            deck.order = order;
            deck.next = 0;
        }
        let i = deck.order[deck.next];
        deck.next += 1;
        bank[i]
    }
}

/// State of one session being generated.
pub(super) struct Gen<'r> {
    pub(super) rng: &'r mut Rng,
    decks: &'r mut Decks,
    pub(super) topic: &'static Topic,
    pub(super) cast: Cast,
    pub(super) details: Vec<(&'static str, &'static str)>,
    pub(super) turns: Vec<Turn>,
    pub(super) phase: Phase,
    /// Emotional temperature of the room, 1..=5; beats raise and lower it
    /// and client turns scatter around it.
    pub(super) heat: i32,
    /// Therapist reflections of each client's points, oldest first, for
    /// summaries.
    pub(super) reflections: [Vec<String>; 2],
    /// Reflections already used in a summary (each is summarised once).
    summarized: Vec<String>,
    /// Latest scaling score of each client.
    pub(super) scores: [Option<u32>; 2],
    /// Who escalated last, so the repair can come from them.
    pub(super) escalator: Option<Who>,
    /// Who spoke first in the latest enactment, so the next one alternates.
    pub(super) enactor: Option<Who>,
    /// How often each kind of beat has run (indexed by `script::Beat::key`),
    /// used to cap filler beats.
    pub(super) beat_uses: [usize; 16],
}

impl<'r> Gen<'r> {
    pub(super) fn new(
        rng: &'r mut Rng,
        decks: &'r mut Decks,
        topic: &'static Topic,
        cast: Cast,
    ) -> Self {
        let mut details = Vec::new();
        for group in topic.details {
            for pair in rng.pick(group).split(';') {
                let (k, v) = pair.split_once('=').expect("detail options are key=value");
                details.push((k, v));
            }
        }
        Gen {
            rng,
            decks,
            topic,
            cast,
            details,
            turns: Vec::new(),
            phase: Phase::Opening,
            heat: 1,
            reflections: [Vec::new(), Vec::new()],
            summarized: Vec::new(),
            scores: [None, None],
            escalator: None,
            enactor: None,
            beat_uses: [0; 16],
        }
    }

    fn into_session(self, index: usize) -> Session {
        let name = |w: Who| self.cast.clients[w.idx()].name;
        let title = format!(
            "{} ({} and {})",
            self.fill(self.topic.title, Who::A, &[]),
            name(Who::A),
            name(Who::B)
        );
        let (first, last) = self.cast.therapist;
        Session {
            schema: SCHEMA_ID.to_string(),
            id: format!("session-{:02}", index + 1),
            title: Some(title),
            couple: Some(self.fill(self.topic.couple, Who::A, &[])),
            participants: Some(vec![
                Participant {
                    speaker: THERAPIST.to_string(),
                    name: Some(format!("Dr. {first} {last}")),
                },
                Participant {
                    speaker: Who::A.label().to_string(),
                    name: Some(name(Who::A).to_string()),
                },
                Participant {
                    speaker: Who::B.label().to_string(),
                    name: Some(name(Who::B).to_string()),
                },
            ]),
            turns: self.turns,
        }
    }

    // ----- drawing and filling -------------------------------------------

    pub(super) fn role(&self, w: Who) -> &'static RoleBank {
        match w {
            Who::A => &self.topic.a,
            Who::B => &self.topic.b,
        }
    }

    pub(super) fn any(&mut self) -> Who {
        if self.rng.chance(50) { Who::A } else { Who::B }
    }

    /// The client who did not speak last, for beats that open with a client:
    /// starting a new scene with the person who just finished talking would
    /// give one speaker two turns in a row.
    pub(super) fn fresh(&mut self) -> Who {
        match self.turns.last().map(|t| t.speaker.as_str()) {
            Some("Client A") => Who::B,
            Some("Client B") => Who::A,
            _ => self.any(),
        }
    }

    pub(super) fn chance(&mut self, percent: u32) -> bool {
        self.rng.chance(percent)
    }

    /// Raw template from a bank (deck order).
    pub(super) fn draw(&mut self, bank: &'static [&'static str]) -> &'static str {
        self.decks.draw(self.rng, bank)
    }

    /// A bank line with slots filled from `x`'s perspective.
    pub(super) fn line(&mut self, bank: &'static [&'static str], x: Who) -> String {
        let tpl = self.draw(bank);
        self.fill(tpl, x, &[])
    }

    /// A Point: what `x` says and the therapist's reflection of it. The
    /// reflection is remembered for later summaries. `markers` may prefix a
    /// spoken opener ("Honestly, ...") for variety.
    pub(super) fn point(
        &mut self,
        bank: &'static [&'static str],
        x: Who,
        markers: Option<&'static [&'static str]>,
    ) -> (String, String) {
        let (said, reflect) = self.pair(bank, x, x);
        let said = match markers {
            Some(m) if self.chance(22) => self.with_marker(m, &said),
            _ => said,
        };
        self.reflections[x.idx()].push(reflect.clone());
        (said, reflect)
    }

    /// A client's statement of a Point, sometimes elaborated with a topic
    /// sentence (`extra_pct` percent) or a generic one.
    pub(super) fn statement(
        &mut self,
        bank: &'static [&'static str],
        x: Who,
        extra_pct: u32,
    ) -> (String, String) {
        let (mut said, r) = self.point(bank, x, Some(cb::MARKERS));
        if self.chance(extra_pct) {
            said = format!("{said} {}", self.line(self.role(x).extra, x));
        }
        if self.chance(30) {
            said = format!("{said} {}", self.line(cb::ELABORATE, x));
        }
        (said, r)
    }

    /// A client elaborating after "say more": topic detail or a generic line.
    pub(super) fn elaborate(&mut self, x: Who) -> String {
        let first = if self.chance(60) {
            self.line(self.role(x).extra, x)
        } else {
            self.line(cb::ELABORATE, x)
        };
        if self.chance(35) {
            format!("{first} {}", self.line(cb::ELABORATE, x))
        } else {
            first
        }
    }

    /// The therapist's answer to a Point: a reflection, often with
    /// validation or a tentative observation, sometimes ending in a question.
    /// Returns the text and whether it ends by asking something.
    pub(super) fn respond(&mut self, x: Who, clause: &str, may_ask: bool) -> (String, bool) {
        let mut text = self.reflect(x, clause);
        match self.rng.weighted(&[40, 25, 15, 20]) {
            0 => text = format!("{text} {}", self.line(tb::VALIDATE, x)),
            1 => text = format!("{text} {}", self.line(tb::WONDER, x)),
            2 => {
                let v = self.line(tb::VALIDATE, x);
                text = format!("{text} {v} {}", self.line(tb::WONDER, x));
            }
            _ => {}
        }
        let asks = may_ask && self.chance(35);
        if asks {
            text = format!("{text} {}", self.line(tb::FOLLOWUP, x));
        }
        (text, asks)
    }

    /// A `"first | second"` pair, each half filled from its own perspective.
    pub(super) fn pair(
        &mut self,
        bank: &'static [&'static str],
        x1: Who,
        x2: Who,
    ) -> (String, String) {
        let mut parts = self.parts(bank, &[x1, x2]).into_iter();
        (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        )
    }

    /// A `" | "`-separated entry, part `i` filled from `perspectives[i]`.
    pub(super) fn parts(
        &mut self,
        bank: &'static [&'static str],
        perspectives: &[Who],
    ) -> Vec<String> {
        let tpl = self.draw(bank);
        let parts: Vec<&str> = tpl.split(" | ").collect();
        assert_eq!(
            parts.len(),
            perspectives.len(),
            "wrong number of parts in: {tpl}"
        );
        parts
            .iter()
            .zip(perspectives)
            .map(|(p, &w)| self.fill(p, w, &[]))
            .collect()
    }

    /// Reflective-listening turn text for a reflection clause.
    pub(super) fn reflect(&mut self, x: Who, clause: &str) -> String {
        let stem = self.draw(tb::REFLECT);
        let cap = capitalize(clause);
        self.fill(stem, x, &[("r", clause), ("R", &cap)])
    }

    /// A therapist question, sometimes led in by a transition sentence.
    pub(super) fn ask(&mut self, bank: &'static [&'static str], x: Who) -> String {
        let q = self.line(bank, x);
        if !q.starts_with("Let") && self.chance(45) {
            format!("{} {q}", self.line(tb::TRANSITION, x))
        } else {
            q
        }
    }

    /// Stage direction for `w` speaking over the partner.
    pub(super) fn talk_over(&self, w: Who) -> String {
        self.fill("[talking over {Y_him}] ", w, &[])
    }

    /// Optionally addresses a generic question to `x` by name.
    pub(super) fn address(&mut self, x: Who, question: String) -> String {
        if self.chance(50) {
            format!(
                "{}, {}",
                self.cast.clients[x.idx()].name,
                decapitalize(&question)
            )
        } else {
            question
        }
    }

    /// Prefixes a discourse marker. A name or "I" at the start keeps its
    /// capital; anything else is lower-cased to continue the sentence.
    pub(super) fn with_marker(&mut self, markers: &'static [&'static str], text: &str) -> String {
        if text.starts_with('[') {
            return text.to_string();
        }
        let m = self.draw(markers);
        let names = self.cast.clients.iter().map(|p| p.name);
        let keep = names.chain(["I", "I'm", "I've", "I'd", "I'll"]).any(|w| {
            text.strip_prefix(w)
                .is_some_and(|rest| rest.starts_with([' ', ',', '\'', '.']))
        });
        let text = if keep {
            text.to_string()
        } else {
            decapitalize(text)
        };
        format!("{m}{text}")
    }

    // ----- emitting turns ------------------------------------------------

    /// Client turn around the current heat (±1 now and then).
    pub(super) fn c(&mut self, w: Who, text: String) {
        let delta = [-1, 0, 1][self.rng.weighted(&[15, 70, 15])];
        let level = self.heat + delta;
        self.push(w.label(), text, level, None);
    }

    /// Client turn with a fixed intensity and optional shift annotation.
    pub(super) fn c_at(&mut self, w: Who, text: String, intensity: i32, shift: Option<Shift>) {
        self.push(w.label(), text, intensity, shift);
    }

    /// Therapist turn: one step calmer than the room, never above 3 (the
    /// therapist regulates rather than mirrors the couple's arousal).
    pub(super) fn t(&mut self, text: String) {
        let delta = [-1, 0][self.rng.weighted(&[20, 80])];
        let level = (self.heat - 1 + delta).clamp(1, 3);
        self.push(THERAPIST, text, level, None);
    }

    fn push(&mut self, speaker: &str, text: String, intensity: i32, shift: Option<Shift>) {
        // Two moves in a row by the same speaker (a reflection, then the
        // next beat's question; a client finishing one scene and opening the
        // next) are one turn. A shift-annotated turn is never merged into
        // an earlier one; for a client a brief therapist murmur separates
        // them instead, so the annotation stays on the turn that carries it.
        let same = self.turns.last().is_some_and(|p| p.speaker == speaker);
        if same && shift.is_some() && speaker != THERAPIST {
            let mm = self.line(tb::BACKCHANNEL, Who::A);
            let level = (intensity - 2).clamp(1, 3);
            self.push(THERAPIST, mm, level, None);
        }
        if let Some(prev) = self.turns.last_mut()
            && prev.speaker == speaker
            && shift.is_none()
            && (speaker == THERAPIST || prev.shift.is_none())
        {
            // At a phase boundary the merged turn is the therapist moving
            // the session on, so it opens the new phase.
            prev.phase = Some(self.phase);
            prev.text = tidy(&format!("{} {}", prev.text, text));
            let level = intensity.clamp(1, 5) as u8;
            prev.intensity = prev.intensity.max(Some(level));
            return;
        }
        self.turns.push(Turn {
            speaker: speaker.to_string(),
            text: tidy(&text),
            phase: Some(self.phase),
            intensity: Some(intensity.clamp(1, 5) as u8),
            shift,
        });
    }

    /// Turns so far in the current phase.
    pub(super) fn phase_turns(&self) -> usize {
        self.turns
            .iter()
            .rev()
            .take_while(|t| t.phase == Some(self.phase))
            .count()
    }

    /// Summary of both clients' most recent points not summarised before.
    pub(super) fn summary(&mut self) -> String {
        let open = self.line(tb::SUMMARY_OPEN, Who::A);
        let ra = self.unsummarized(Who::A);
        let rb = self.unsummarized(Who::B);
        let join = self.draw(tb::SUMMARY_JOIN);
        let body = self.fill(join, Who::A, &[("ra", &ra), ("rb", &rb)]);
        let close = self.line(tb::SUMMARY_CLOSE, Who::A);
        format!("{open} {body} {close}")
    }

    fn unsummarized(&mut self, w: Who) -> String {
        let fresh = self.reflections[w.idx()]
            .iter()
            .rev()
            .find(|r| !self.summarized.contains(r))
            .cloned();
        let r = fresh.unwrap_or_else(|| {
            self.fill(
                "you've been carrying more of this than {Y} may realize",
                w,
                &[],
            )
        });
        self.summarized.push(r.clone());
        r
    }

    /// A short client turn: agreement, neutral or protest.
    pub(super) fn short(&mut self, w: Who, bank: &'static [&'static str]) {
        let text = self.line(bank, w);
        self.c(w, text);
    }

    /// A client's answer to a scaling question with the number spelled out.
    pub(super) fn scale_answer(
        &mut self,
        w: Who,
        n: u32,
        reasons: Option<&'static [&'static str]>,
    ) -> String {
        let num = spell(n);
        let next = spell((n + 1).min(10));
        let an = format!("{} {num}", article(num));
        let an2 = format!("{} {next}", article(next));
        let tpl = self.draw(cb::SCALE_NUM);
        let mut text = self.fill(
            tpl,
            w,
            &[("n", num), ("n2", next), ("an", &an), ("an2", &an2)],
        );
        if let Some(bank) = reasons {
            text.push(' ');
            text.push_str(&self.line(bank, w));
        }
        text
    }
}
