//! Exploration beats: stories told and disputed, cross-talk, feelings under
//! the anger, family of origin, and the scenes that carry the exploration
//! phase's shifts (escalation, repair, rupture).

use crate::data::banks::{client as cb, therapist as tb, therapist2 as tb2};
use crate::data::generate::Gen;
use crate::data::schema::Shift;

impl Gen<'_> {
    pub(super) fn clarify(&mut self) {
        let x = self.any();
        let q = self.ask(tb::INVITE_Q, x);
        self.t(q);
        let (said, r) = self.statement(self.role(x).complaints, x, 60);
        self.c(x, said);
        let (text, asked) = self.respond(x, &r, true);
        self.t(text);
        if asked {
            let more = self.elaborate(x);
            self.c(x, more);
            if self.chance(50) {
                let bank = if self.chance(50) {
                    tb::VALIDATE
                } else {
                    tb::WONDER
                };
                let text = self.line(bank, x);
                self.t(text);
            }
        } else if self.chance(60) {
            let mut text = self.line(cb::RESPOND_REFLECT, x);
            if self.chance(60) {
                text = format!("{text} {}", self.line(self.role(x).extra, x));
            }
            self.c(x, text);
        }
    }

    pub(super) fn incident(&mut self) {
        self.heat = self.heat.max(3);
        let x = self.any();
        let y = x.other();
        let q = self.ask(tb::STORY_Q, x);
        self.t(q);
        let mut parts = self.parts(self.role(x).incidents, &[x, x, y]).into_iter();
        let (mut story, r, reply) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        self.reflections[x.idx()].push(r.clone());
        if self.chance(20) {
            story = self.with_marker(cb::NARRATIVE_MARKERS, &story);
        }
        if self.chance(60) {
            story = format!("{story} {}", self.line(self.role(x).extra, x));
        }
        // Sometimes the therapist murmurs mid-story and the client goes on.
        let cut = story.match_indices(". ").nth(1).map(|(i, _)| i + 1);
        match cut {
            Some(i) if self.chance(35) => {
                self.c(x, story[..i].to_string());
                let mm = self.line(tb::BACKCHANNEL, x);
                self.t(mm);
                self.c(x, story[i..].to_string());
            }
            _ => self.c(x, story),
        }
        let (text, _) = self.respond(x, &r, false);
        self.t(text);
        self.heat = 3;
        if self.chance(50) {
            let invite = self.line(tb::TURN_TO_OTHER, y);
            self.t(invite);
        }
        let mut text = reply;
        if self.chance(40) {
            text = format!("{text} {}", self.line(self.role(y).extra, y));
        }
        let level = 3 + self.rng.range(0, 1) as i32;
        self.c_at(y, text, level, None);
        if self.chance(40) {
            self.short(x, cb::SHORT_PROTEST);
        } else {
            let mut text = self.line(self.role(x).counters, x);
            if self.chance(50) {
                text = format!("{text} {}", self.line(self.role(x).extra, x));
            }
            self.c(x, text);
        }
        let q = format!(
            "{} {}",
            self.line(tb::VALIDATE, x),
            self.line(tb::INVITE_Q, y)
        );
        self.t(q);
        let (said, r) = self.statement(self.role(y).complaints, y, 50);
        self.c(y, said);
        let (text, asked) = self.respond(y, &r, true);
        self.t(text);
        if asked {
            let more = self.elaborate(y);
            self.c(y, more);
        }
    }

    pub(super) fn crosstalk(&mut self) {
        self.heat = self.heat.max(3);
        let x = self.fresh();
        let y = x.other();
        let (said, _) = self.statement(self.role(x).complaints, x, 40);
        self.c(x, said);
        let mut text = self.line(self.role(y).counters, y);
        if self.chance(40) {
            text = format!("{text} {}", self.line(self.role(y).extra, y));
        }
        self.c(y, text);
        if self.chance(50) {
            let text = self.line(cb::INTERRUPTED, x);
            self.c_at(x, text, 4, None);
            let mut text = format!(
                "{} {}",
                self.line(cb::INTERRUPTER, y),
                self.line(cb::DEFENSIVE, y)
            );
            if self.chance(35) {
                text = format!("{}{text}", self.talk_over(y));
            }
            self.c_at(y, text, 4, None);
        } else {
            self.short(x, cb::SHORT_PROTEST);
            let text = self.line(cb::DEFENSIVE, y);
            self.c(y, text);
        }
        if self.chance(50) {
            let text = self.line(self.role(x).counters, x);
            self.c(x, text);
        }
        let text = self.summary();
        self.t(text);
        let w = self.any();
        if self.chance(50) {
            self.short(w, cb::RESPOND_REFLECT);
        } else {
            self.short(w, cb::SHORT_AGREE);
        }
    }

    pub(super) fn underneath(&mut self) {
        let x = self.any();
        let y = x.other();
        let q = match self.rng.weighted(&[40, 35, 25]) {
            0 => self.ask(tb::FEELING_UNDER_Q, x),
            1 => self.ask(self.role(x).asked, x),
            _ => {
                let q = self.line(tb::OPEN_Q, x);
                self.address(x, q)
            }
        };
        self.t(q);
        let (mut said, r) = self.point(self.role(x).soft, x, None);
        if self.chance(55) {
            said = format!("{said} {}", self.line(cb::FEEL_MORE, x));
        }
        if self.chance(25) {
            said = format!("[pause] {said}");
        }
        self.c_at(x, said, self.heat.max(3), None);
        let mut text = self.reflect(x, &r);
        if self.chance(50) {
            text = format!("{text} {}", self.line(tb::VALIDATE, x));
        }
        self.t(text);
        if self.chance(60) {
            let mut text = self.line(cb::HEARD, y);
            if self.chance(40) {
                text = format!("{text} {}", self.line(self.role(y).to_partner, y));
            }
            self.c(y, text);
        } else {
            self.short(y, cb::DEFENSIVE);
            let text = self.line(tb2::ENACT_LISTENER, y);
            self.t(text);
            self.short(y, cb::HEARD);
        }
    }

    pub(super) fn origin(&mut self) {
        let x = self.any();
        let q = self.ask(tb::ORIGIN_Q, x);
        self.t(q);
        let mut text = if self.chance(60) {
            self.line(self.role(x).origin, x)
        } else {
            self.line(cb::ORIGIN, x)
        };
        if self.chance(45) {
            text = format!("{text} {}", self.line(cb::ORIGIN, x));
        }
        self.c(x, text);
        let link = self.line(tb::LINK_ORIGIN, x);
        self.t(link);
        if self.chance(65) {
            let mut text = self.line(cb::INSIGHT, x);
            if self.chance(40) {
                text = format!("{text} {}", self.line(cb::FEEL_MORE, x));
            }
            self.c(x, text);
        } else {
            self.short(x, cb::SHORT_AGREE);
        }
        if self.chance(40) {
            self.short(x.other(), cb::HEARD);
        }
    }

    pub(super) fn escalation(&mut self) {
        // y opens the scene, x boils over.
        let y = self.fresh();
        let x = y.other();
        self.heat = 3;
        let (said, _) = self.statement(self.role(y).complaints, y, 40);
        self.c_at(y, said, 3, None);
        let text = self.line(cb::SHORT_PROTEST, x);
        self.c_at(x, text, 4, None);
        let text = self.line(self.role(y).counters, y);
        self.c_at(y, text, 4, None);
        // The boil-over: the first line said in real anger.
        let mut text = self.line(self.role(x).heated, x);
        if self.chance(50) {
            text = format!("{text} {}", self.line(cb::HEATED, x));
        }
        self.c_at(x, text, 5, Some(Shift::Escalation));
        self.heat = 5;
        let mut text = self.line(self.role(y).heated, y);
        if self.chance(50) {
            text = format!("{} {text}", self.line(cb::INTERRUPTER, y));
        }
        self.c_at(y, text, 5, None);
        let text = self.line(cb::INTERRUPTED, x);
        self.c_at(x, text, 5, None);
        if self.chance(60) {
            let mut text = self.line(cb::HEATED, y);
            if self.chance(50) {
                text = format!("{}{text}", self.talk_over(y));
            }
            self.c_at(y, text, 5, None);
        }
        let calm = format!(
            "{} {}",
            self.line(tb::DEESCALATE, x),
            self.line(tb::DEESCALATE, x)
        );
        self.t(calm);
        self.heat = 4;
        if self.chance(50) {
            let text = format!("[long pause] {}", self.line(cb::SHORT_NEUTRAL, x));
            self.c(x, text);
        }
        let q = self.line(tb::FEELING_UNDER_Q, x);
        self.t(q);
        let (mut said, r) = self.point(self.role(x).soft, x, None);
        if self.chance(40) {
            said = format!("{said} {}", self.line(cb::FEEL_MORE, x));
        }
        self.c_at(x, said, 4, None);
        self.heat = 3;
        let text = format!("{} {}", self.reflect(x, &r), self.line(tb::VALIDATE, x));
        self.t(text);
        self.escalator = Some(x);
    }

    pub(super) fn repair(&mut self) {
        let x = match self.escalator.take() {
            Some(w) => w,
            None => self.any(),
        };
        let y = x.other();
        if self.chance(65) {
            let text = self.line(tb2::INVITE_REPAIR, x);
            self.t(text);
        }
        let mut text = self.line(cb::APOLOGY, x);
        if self.chance(45) {
            text = format!("{text} {}", self.line(self.role(x).to_partner, x));
        }
        self.c_at(x, text, 3, Some(Shift::Repair));
        self.heat = 2;
        if self.chance(60) {
            self.short(y, cb::HEARD);
        } else {
            self.short(y, cb::SHORT_AGREE);
        }
        let text = self.line(tb2::MARK_REPAIR, x);
        self.t(text);
    }

    pub(super) fn rupture(&mut self) {
        let shutdown = self.chance(50);
        // The scene opens with y (shutdown) or x (challenge to the therapist).
        let opener = self.fresh();
        let x = if shutdown { opener.other() } else { opener };
        let y = x.other();
        if shutdown {
            // A partner shuts down or threatens to leave.
            self.heat = 4;
            let text = if self.chance(50) {
                self.line(self.role(y).heated, y)
            } else {
                self.line(self.role(y).counters, y)
            };
            self.c_at(y, text, 4, None);
            let text = self.line(cb::SHUTDOWN, x);
            self.c_at(x, text, 5, Some(Shift::Rupture));
            let text = self.line(cb::SHUTDOWN_REACT, y);
            self.c_at(y, text, 4, None);
            let text = self.line(tb2::SHUTDOWN_RESPONSE, x);
            self.t(text);
            let text = format!("[long pause] {}", self.line(cb::SHORT_NEUTRAL, x));
            self.c_at(x, text, 4, None);
            let text = self.line(tb::VALIDATE, x);
            self.t(text);
            let text = self.line(cb::REENGAGE_SHUTDOWN, x);
            self.c_at(x, text, 3, Some(Shift::Repair));
        } else {
            // The client turns on the therapist.
            self.heat = 3;
            let (said, _) = self.statement(self.role(x).complaints, x, 40);
            self.c(x, said);
            let text = self.line(tb2::CHALLENGE, x);
            self.t(text);
            let text = self.line(cb::THERAPIST_RUPTURE, x);
            self.c_at(x, text, 4, Some(Shift::Rupture));
            self.heat = 4;
            let text = self.line(tb2::RUPTURE_REPAIR, x);
            self.t(text);
            if self.chance(60) {
                self.short(x, cb::SHORT_NEUTRAL);
            }
            let text = format!(
                "{} {}",
                self.line(tb2::RUPTURE_REPAIR, x),
                self.line(tb::VALIDATE, x)
            );
            self.t(text);
            let text = self.line(cb::REENGAGE_THERAPIST, x);
            self.c_at(x, text, 3, Some(Shift::Repair));
        }
        self.heat = 3;
        let text = self.line(tb::AFTER_RETURN, x);
        self.t(text);
    }
}
