//! Hand-written text banks for the session generator.
//!
//! All dialogue in the generated corpus comes from these files; nothing is
//! sampled from a language model. Each bank is a list of templates with
//! `{slot}` placeholders that the generator fills per session.
//!
//! Slot conventions (see `generate::Gen::resolve`):
//! - `{X}` is the client who speaks (for client lines) or who is addressed
//!   (for therapist lines); `{Y}` is the other client. `{A}`/`{B}` name
//!   Client A/Client B regardless of who speaks.
//! - `{Y_he}`, `{Y_him}`, `{Y_his}`, `{Y_himself}` (same for X, A, B) are
//!   pronouns; a capital after the underscore (`{Y_He}`) capitalises.
//! - `{T}` is the therapist as addressed by the clients ("Dr. Okafor").
//! - Topic details such as `{kid1}` or `{purchase}` are drawn per session
//!   from the topic's `details`.
//!
//! "Point" banks hold `"what the client says | therapist's reflection"`
//! pairs: the reflection is a second-person clause ("you feel ...") that the
//! therapist can paraphrase and later summarise, which keeps reflective
//! listening tied to what was actually said. Incidents add a third part, the
//! partner's own answer to that story. Enactments are
//! `"therapist's prompt | what the client says to the partner | the
//! partner's answer"`, so prompt, disclosure and answer fit together.

pub mod anxiety;
pub mod baby;
pub mod client;
pub mod client_close;
pub mod money;
pub mod people;
pub mod therapist;
pub mod therapist2;
pub mod trust;

/// Everything one client role says about a topic.
pub struct RoleBank {
    /// Why they came (Points).
    pub presenting: &'static [&'static str],
    /// Day-to-day grievances told to the therapist (Points).
    pub complaints: &'static [&'static str],
    /// Concrete episodes, several sentences each: story | reflection |
    /// the partner's reply.
    pub incidents: &'static [&'static str],
    /// The vulnerable feeling under the anger (Points).
    pub soft: &'static [&'static str],
    /// Extra topic sentences that elaborate a complaint or story.
    pub extra: &'static [&'static str],
    /// Disputing the partner's version, addressed to the partner.
    pub counters: &'static [&'static str],
    /// Escalation lines, addressed to the partner.
    pub heated: &'static [&'static str],
    /// Family-of-origin memories.
    pub origin: &'static [&'static str],
    /// Soft "I" statements addressed to the partner (skills practice).
    pub to_partner: &'static [&'static str],
    /// Enactments: therapist's prompt | this role's line | partner's answer.
    pub enactments: &'static [&'static str],
    /// What they hope for, said near the end.
    pub hopes: &'static [&'static str],
    /// Therapist's open questions addressed to this role.
    pub asked: &'static [&'static str],
    /// Therapist reframes of this role's behaviour.
    pub reframes: &'static [&'static str],
}

/// One presenting problem with both sides of it.
pub struct Topic {
    /// Session title (template).
    pub title: &'static str,
    /// One-line description of the couple (template).
    pub couple: &'static str,
    /// Per-session details: for each group one option is drawn; an option is
    /// `key=value;key=value` so related values (a job and its workplace) stay
    /// consistent.
    pub details: &'static [&'static [&'static str]],
    pub a: RoleBank,
    pub b: RoleBank,
    /// Therapist naming the couple's cycle, using `{A}` and `{B}`.
    pub cycle: &'static [&'static str],
    /// Homework for the closing phase.
    pub homework: &'static [&'static str],
}

/// The four presenting problems, in session order.
pub fn topics() -> [&'static Topic; 4] {
    [&money::TOPIC, &trust::TOPIC, &baby::TOPIC, &anxiety::TOPIC]
}
