//! The shape of a session: phases made of "beats" (small scenes such as an
//! incident told and disputed, an escalation and its de-escalation, an
//! enactment). Each phase places its key beats at rough positions and fills
//! the gaps with ordinary exploratory beats until it reaches its share of
//! turns (about 10/35/40/15 percent).
//!
//! Shift annotations are set only on the turn where the tone actually turns:
//! the first heated line (escalation), the shutdown or challenge to the
//! therapist (rupture), the apology or return (repair) and the partner's
//! acknowledgment in an enactment (breakthrough).

use crate::data::banks::{client as cb, therapist as tb, therapist2 as tb2};
use crate::data::generate::{Gen, Who};
use crate::data::schema::Phase;

/// Beats that can be scheduled.
#[derive(Clone, Copy)]
enum Beat {
    Clarify,
    Incident,
    Crosstalk,
    Underneath,
    Origin,
    Escalation,
    Repair,
    Rupture,
    Reframe,
    ReframeOne,
    Enactment { breakthrough: bool },
    Skill,
    Flare,
    ScaleMid,
}

impl Beat {
    fn key(self) -> usize {
        match self {
            Beat::Clarify => 0,
            Beat::Incident => 1,
            Beat::Crosstalk => 2,
            Beat::Underneath => 3,
            Beat::Origin => 4,
            Beat::Escalation => 5,
            Beat::Repair => 6,
            Beat::Rupture => 7,
            Beat::Reframe => 8,
            Beat::ReframeOne => 9,
            Beat::Enactment { .. } => 10,
            Beat::Skill => 11,
            Beat::Flare => 12,
            Beat::ScaleMid => 13,
        }
    }
}

/// A filler beat with its weight and a cap on uses per session, so no kind
/// of scene is repeated so often that its banks run dry.
struct Filler(Beat, u32, usize);

#[derive(Clone, Copy)]
enum Scale {
    Open,
    Mid,
    Close,
}

impl Gen<'_> {
    pub(super) fn run(&mut self) {
        // Scheduled moves; merging consecutive moves by one speaker leaves
        // ~270 turns of ~27 GPT-2 tokens on average (many turns are short),
        // i.e. ~7k tokens, inside the 6k-10k band of a ~50-minute session
        // (6.4k-8.1k over seeds 0..300).
        let total = self.rng.range(292, 308);
        let opening = total * 10 / 100;
        let exploration = total * 35 / 100;
        let intervention = total * 40 / 100;
        let closing = total - opening - exploration - intervention;

        self.phase = Phase::Opening;
        self.heat = 1;
        self.greet();
        self.agenda();
        self.scale(Scale::Open);
        while self.phase_turns() + 3 < opening {
            self.clarify();
        }

        self.phase = Phase::Exploration;
        self.heat = 2;
        let plan = [
            (0, Beat::Incident),
            (22, Beat::Incident),
            (40, Beat::Escalation),
            (58, Beat::Repair),
            (76, Beat::Rupture),
        ];
        let fillers = [
            Filler(Beat::Clarify, 3, 8),
            Filler(Beat::Crosstalk, 3, 5),
            Filler(Beat::Underneath, 3, 6),
            Filler(Beat::Origin, 2, 2),
            Filler(Beat::Incident, 4, 6),
        ];
        self.schedule(exploration, &plan, &fillers);

        self.phase = Phase::Intervention;
        self.heat = 3;
        let mut plan = vec![
            (0, Beat::Reframe),
            (12, Beat::Enactment { breakthrough: true }),
            (36, Beat::Skill),
        ];
        if self.chance(60) {
            plan.push((52, Beat::Flare));
        }
        let second_breakthrough = self.chance(65);
        plan.push((
            64,
            Beat::Enactment {
                breakthrough: second_breakthrough,
            },
        ));
        plan.push((82, Beat::ScaleMid));
        let fillers = [
            Filler(Beat::Underneath, 3, 12),
            Filler(Beat::ReframeOne, 2, 3),
            Filler(
                Beat::Enactment {
                    breakthrough: false,
                },
                2,
                4,
            ),
            Filler(Beat::Skill, 1, 2),
            Filler(Beat::Clarify, 2, 12),
            Filler(Beat::Origin, 1, 3),
            Filler(Beat::Crosstalk, 1, 7),
        ];
        self.schedule(intervention, &plan, &fillers);

        self.phase = Phase::Closing;
        self.heat = 2;
        self.closing_summary();
        self.scale(Scale::Close);
        self.homework(closing);
        self.hopes();
        if self.phase_turns() + 9 < closing {
            self.parting();
        }
        self.goodbye();
    }

    /// Runs `plan` beats at roughly the given percentage of the phase,
    /// filling the gaps (and the tail) with weighted, capped filler beats.
    fn schedule(&mut self, target: usize, plan: &[(usize, Beat)], fillers: &[Filler]) {
        for &(at, beat) in plan {
            while self.phase_turns() + 4 < target * at / 100 && self.filler(fillers) {}
            self.beat(beat);
        }
        while self.phase_turns() + 4 < target && self.filler(fillers) {}
    }

    /// Runs one filler beat; false when every filler has reached its cap.
    fn filler(&mut self, fillers: &[Filler]) -> bool {
        let weights: Vec<u32> = fillers
            .iter()
            .map(|f| {
                if self.beat_uses[f.0.key()] < f.2 {
                    f.1
                } else {
                    0
                }
            })
            .collect();
        if weights.iter().all(|&w| w == 0) {
            return false;
        }
        let beat = fillers[self.rng.weighted(&weights)].0;
        self.beat(beat);
        true
    }

    fn beat(&mut self, beat: Beat) {
        self.beat_uses[beat.key()] += 1;
        match beat {
            Beat::Clarify => self.clarify(),
            Beat::Incident => self.incident(),
            Beat::Crosstalk => self.crosstalk(),
            Beat::Underneath => self.underneath(),
            Beat::Origin => self.origin(),
            Beat::Escalation => self.escalation(),
            Beat::Repair => self.repair(),
            Beat::Rupture => self.rupture(),
            Beat::Reframe => self.reframe(),
            Beat::ReframeOne => self.reframe_one(),
            Beat::Enactment { breakthrough } => {
                // Enactments alternate who speaks first.
                let s = match self.enactor {
                    Some(prev) => prev.other(),
                    None => self.any(),
                };
                self.enactor = Some(s);
                self.enactment(s, breakthrough);
            }
            Beat::Skill => self.skill(),
            Beat::Flare => self.flare(),
            Beat::ScaleMid => self.scale(Scale::Mid),
        }
    }

    // ----- opening -------------------------------------------------------

    fn greet(&mut self) {
        let first = self.any();
        let hello = self.line(tb::GREET, first);
        let ask = self.line(tb::CHECKIN_Q, first);
        self.t(format!("{hello} {ask}"));
        let mut text = self.line(cb::CHECKIN, first);
        if self.chance(55) {
            text = format!("{text} {}", self.line(cb::CHECKIN_MORE, first));
        }
        self.c(first, text);
        let second = first.other();
        let mut text = self.line(cb::CHECKIN, second);
        if self.chance(40) {
            text = format!("{text} {}", self.line(cb::CHECKIN_MORE, second));
        }
        self.c(second, text);
        if self.chance(45) {
            self.short(first, cb::SHORT_NEUTRAL);
        }
    }

    fn agenda(&mut self) {
        self.heat = 2;
        let x = self.any();
        let y = x.other();
        let q = self.line(tb::AGENDA_Q, x);
        self.t(q);
        let (said, r) = self.statement(self.role(x).presenting, x, 70);
        self.c(x, said);
        let (text, _) = self.respond(x, &r, false);
        self.t(text);
        if self.chance(50) {
            self.short(x, cb::RESPOND_REFLECT);
        }
        if self.chance(35) {
            self.short(y, cb::SHORT_PROTEST);
        }
        let invite = self.line(tb::TURN_TO_OTHER, y);
        self.t(invite);
        let (said, r) = self.statement(self.role(y).presenting, y, 70);
        self.c(y, said);
        let mut text = self.reflect(y, &r);
        if self.chance(50) {
            text = format!("{text} {}", self.line(tb::VALIDATE, y));
        }
        self.t(text);
    }

    fn scale(&mut self, kind: Scale) {
        let bank = match kind {
            Scale::Open => tb2::SCALE_OPEN,
            Scale::Mid => tb2::SCALE_MID,
            Scale::Close => tb2::SCALE_CLOSE,
        };
        let first = self.any();
        let q = self.line(bank, first);
        self.t(q);
        for w in [first, first.other()] {
            let prev = self.scores[w.idx()];
            let n = match (kind, prev) {
                (Scale::Open, _) => self.rng.range(3, 6) as u32,
                (Scale::Mid, Some(p)) => (p + self.rng.range(0, 2) as u32).min(8),
                (Scale::Mid, None) => self.rng.range(4, 6) as u32,
                (Scale::Close, Some(p)) => (p + self.rng.range(1, 2) as u32).clamp(5, 9),
                (Scale::Close, None) => self.rng.range(5, 7) as u32,
            };
            self.scores[w.idx()] = Some(n);
            let reasons = match (kind, n) {
                (_, 0..=5) => Some(cb::SCALE_LOW),
                (Scale::Open, _) => None,
                _ => Some(cb::SCALE_HIGH),
            };
            let reasons = if self.chance(90) { reasons } else { None };
            let text = self.scale_answer(w, n, reasons);
            self.c(w, text);
        }
        let low = if self.scores[0] <= self.scores[1] {
            Who::A
        } else {
            Who::B
        };
        let follow = self.line(tb2::SCALE_FOLLOW, low);
        self.t(follow);
        let text = self.line(cb::SCALE_MOVE, low);
        self.c(low, text);
        if self.chance(40) {
            let text = self.line(tb::VALIDATE, low);
            self.t(text);
        }
    }

    // ----- closing -------------------------------------------------------

    fn closing_summary(&mut self) {
        let appreciate = self.line(tb2::CLOSE_APPRECIATE, Who::A);
        let summary = self.summary();
        self.t(format!("{appreciate} {summary}"));
        let x = self.any();
        self.short(x, cb::RESPOND_REFLECT);
        if self.chance(50) {
            self.short(x.other(), cb::SHORT_AGREE);
        }
    }

    fn homework(&mut self, closing_target: usize) {
        let intro = self.line(tb2::HOMEWORK_INTRO, Who::A);
        let task = self.line(self.topic.homework, Who::A);
        self.t(format!("{intro} {task}"));
        let x = self.any();
        self.short(x, cb::HOMEWORK_RESP);
        if self.chance(60) {
            self.short(x.other(), cb::HOMEWORK_RESP);
        }
        let check = self.line(tb2::HOMEWORK_CHECK, x);
        self.t(check);
        let w = self.any();
        self.short(w, cb::HOMEWORK_RESP);
        // A second assignment when the closing would otherwise be short.
        if self.phase_turns() + 10 < closing_target {
            let task = self.line(self.topic.homework, Who::A);
            self.t(format!("There's one more piece. {task}"));
            let w = self.any();
            self.short(w, cb::HOMEWORK_RESP);
            if self.chance(50) {
                self.short(w.other(), cb::SHORT_AGREE);
            }
        }
    }

    fn hopes(&mut self) {
        let x = self.any();
        let q = self.line(tb2::CLOSE_Q, x);
        self.t(q);
        for w in [x, x.other()] {
            let text = self.line(self.role(w).hopes, w);
            self.c(w, text);
        }
        let text = self.line(tb::VALIDATE, x);
        self.t(text);
    }

    fn parting(&mut self) {
        let x = self.any();
        let q = self.line(tb2::PARTING_Q, x);
        self.t(q);
        let text = if self.chance(50) {
            self.line(cb::PARTING, x)
        } else {
            self.line(self.role(x).to_partner, x)
        };
        self.c(x, text);
        let text = if self.chance(50) {
            self.line(cb::HEARD, x.other())
        } else {
            self.line(cb::PARTING, x.other())
        };
        self.c(x.other(), text);
    }

    fn goodbye(&mut self) {
        self.heat = 2;
        let bye = self.line(tb2::GOODBYE, Who::A);
        self.t(bye);
        let x = self.any();
        self.short(x, cb::LOGISTICS);
        let next = self.line(tb2::GOODBYE, Who::A);
        self.t(next);
        self.short(x, cb::CLOSING);
        self.short(x.other(), cb::CLOSING);
    }
}
