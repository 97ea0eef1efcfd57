//! Intervention beats: reframing the cycle, enactments (which carry the
//! breakthroughs), communication-skills practice, and a second flare-up.

use crate::data::banks::{client as cb, therapist as tb, therapist2 as tb2};
use crate::data::generate::{Gen, Who};
use crate::data::schema::Shift;

impl Gen<'_> {
    pub(super) fn reframe(&mut self) {
        self.heat = 3;
        let cycle = self.line(self.topic.cycle, Who::A);
        let text = format!("{} {cycle}", self.line(tb2::REFRAME_INTRO, Who::A));
        self.t(text);
        let x = self.any();
        let skeptical = self.chance(35);
        if skeptical {
            self.short(x, cb::SKEPTIC);
        } else {
            let text = format!(
                "{} {}",
                self.line(cb::SHORT_AGREE, x),
                self.line(cb::INSIGHT, x)
            );
            self.c(x, text);
        }
        let mut text = self.line(tb2::CYCLE, x);
        if self.chance(50) {
            text = format!("{text} {}", self.line(tb2::CYCLE, x));
        }
        if skeptical {
            text = format!("{} {text}", self.line(tb::VALIDATE, x));
        }
        self.t(text);
        if self.chance(50) {
            self.short(x.other(), cb::INSIGHT);
        } else {
            self.short(x.other(), cb::RESPOND_REFLECT);
        }
        let z = self.any();
        let text = self.line(self.role(z).reframes, z);
        self.t(text);
        if self.chance(50) {
            self.short(z, cb::INSIGHT);
        } else {
            self.short(z, cb::RESPOND_REFLECT);
        }
    }

    /// A single reframe of one partner's behaviour and its reception.
    pub(super) fn reframe_one(&mut self) {
        let z = self.any();
        let mut text = self.line(self.role(z).reframes, z);
        if self.chance(50) {
            text = format!("{text} {}", self.line(tb2::CYCLE, z));
        }
        self.t(text);
        let mut reply = if self.chance(60) {
            self.line(cb::INSIGHT, z)
        } else {
            self.line(cb::RESPOND_REFLECT, z)
        };
        if self.chance(45) {
            reply = format!("{reply} {}", self.line(cb::FEEL_MORE, z));
        }
        self.c(z, reply);
        if self.chance(50) {
            self.short(z.other(), cb::HEARD);
        }
    }

    pub(super) fn enactment(&mut self, s: Who, breakthrough: bool) {
        let l = s.other();
        self.heat = 3;
        let setup = self.line(tb2::ENACT_SETUP, s);
        let mut parts = self.parts(self.role(s).enactments, &[s, s, l]).into_iter();
        let (prompt, mine, theirs) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        self.t(format!("{setup} {prompt}"));
        if self.chance(60) {
            self.short(s, cb::HESITATE);
            let coach = self.line(tb2::ENACT_COACH, s);
            self.t(coach);
        }
        let mut mine = if self.chance(30) {
            format!("[quietly] {mine}")
        } else {
            mine
        };
        if self.chance(35) {
            mine = format!("{mine} {}", self.line(cb::FEEL_MORE, s));
        }
        self.c_at(s, mine, 4, None);
        if self.chance(45) {
            let text = if self.chance(50) {
                self.line(cb::DEFENSIVE, l)
            } else {
                self.line(self.role(l).counters, l)
            };
            self.c_at(l, text, 4, None);
            let text = self.line(tb2::ENACT_LISTENER, l);
            self.t(text);
        }
        if breakthrough {
            let theirs = if self.chance(30) {
                format!("[voice breaking] {theirs}")
            } else {
                theirs
            };
            self.c_at(l, theirs, 4, Some(Shift::Breakthrough));
            let text = self.line(cb::RECEIVE, s);
            self.c_at(s, text, 4, None);
            let text = self.line(tb2::BREAKTHROUGH_MARK, s);
            self.t(text);
        } else {
            // A partial answer: heard, but not yet the turn-around.
            let text = self.line(cb::HEARD, l);
            self.c_at(l, text, 3, None);
            let text = self.line(tb2::ENACT_AFTER, s);
            self.t(text);
            self.short(s, cb::ENACT_REPLY);
        }
        if self.chance(50) {
            let w = if self.chance(50) { s } else { l };
            self.short(w, cb::INSIGHT);
        }
        self.heat = 2;
    }

    pub(super) fn skill(&mut self) {
        self.heat = 3;
        let s = self.any();
        let l = s.other();
        let intro = self.line(tb2::SKILL_INTRO, s);
        self.t(intro);
        self.short(s, cb::BLAME_TRY);
        if self.chance(40) {
            self.short(l, cb::SHORT_PROTEST);
        }
        let redirect = self.line(tb2::SKILL_REDIRECT, s);
        self.t(redirect);
        let rounds = if self.chance(50) { 2 } else { 1 };
        for (speaker, listener) in [(s, l), (l, s)].into_iter().take(rounds) {
            let text = self.line(self.role(speaker).to_partner, speaker);
            self.c_at(speaker, text, 3, None);
            let ask = self.line(tb2::ASK_PARAPHRASE, listener);
            self.t(ask);
            self.short(listener, cb::PARAPHRASE);
            self.short(speaker, cb::SHORT_AGREE);
            let praise = self.line(tb2::SKILL_PRAISE, speaker);
            self.t(praise);
        }
        self.heat = 2;
    }

    pub(super) fn flare(&mut self) {
        let y = self.fresh();
        let x = y.other();
        self.heat = 3;
        let text = self.line(self.role(y).counters, y);
        self.c_at(y, text, 3, None);
        let text = self.line(self.role(x).heated, x);
        self.c_at(x, text, 5, Some(Shift::Escalation));
        self.heat = 5;
        let text = if self.chance(50) {
            self.line(cb::SHORT_PROTEST, y)
        } else {
            self.line(self.role(y).heated, y)
        };
        self.c_at(y, text, 5, None);
        let text = self.line(tb::DEESCALATE, x);
        self.t(text);
        self.heat = 4;
        let text = format!("[sighs] {}", self.line(cb::SHORT_NEUTRAL, x));
        self.c_at(x, text, 4, None);
        self.escalator = Some(x);
        self.repair();
    }
}
