//! Template filling: `{slot}` resolution (names, pronouns, topic details,
//! per-call values) and the small text utilities used to assemble turns.

use crate::data::generate::{Gen, Who};

impl Gen<'_> {
    /// Fills `{slot}`s. `x` is the speaker (client lines) or the addressee
    /// (therapist lines). Unknown slots are a bug in a bank; the bank test
    /// renders every template, so this cannot fire for shipped banks.
    pub(super) fn fill(&self, tpl: &str, x: Who, extra: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(tpl.len() + 32);
        let mut rest = tpl;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = start + rest[start..].find('}').expect("unclosed slot");
            let key = &rest[start + 1..end];
            out.push_str(&self.lookup(key, x, extra).unwrap_or_else(|| {
                panic!("unknown slot {{{key}}} in template: {tpl}");
            }));
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A capital after the last underscore (or at the start of a key without
    /// one) asks for the capitalised value: `{Y_He}`, `{Months}`, `{An}`.
    pub(super) fn lookup(&self, key: &str, x: Who, extra: &[(&str, &str)]) -> Option<String> {
        if let Some(v) = self.resolve(key, x, extra) {
            return Some(v);
        }
        let cut = key.rfind('_').map_or(0, |i| i + 1);
        let (head, tail) = key.split_at(cut);
        let mut chars = tail.chars();
        let first = chars.next()?;
        if !first.is_uppercase() {
            return None;
        }
        let lowered = format!("{head}{}{}", first.to_lowercase(), chars.as_str());
        self.resolve(&lowered, x, extra).map(|v| capitalize(&v))
    }

    pub(super) fn resolve(&self, key: &str, x: Who, extra: &[(&str, &str)]) -> Option<String> {
        if let Some((_, v)) = extra.iter().find(|(k, _)| *k == key) {
            return Some((*v).to_string());
        }
        let person = |tag: &str| match tag {
            "X" => Some(x),
            "Y" => Some(x.other()),
            "A" => Some(Who::A),
            "B" => Some(Who::B),
            _ => None,
        };
        if let Some(w) = person(key) {
            return Some(self.cast.clients[w.idx()].name.to_string());
        }
        if key == "T" {
            return Some(format!("Dr. {}", self.cast.therapist.1));
        }
        if let Some((tag, attr)) = key.split_once('_')
            && let Some(w) = person(tag)
        {
            let she = self.cast.clients[w.idx()].she;
            let pronoun = match (attr, she) {
                ("he", false) => Some("he"),
                ("he", true) => Some("she"),
                ("him", false) => Some("him"),
                ("him" | "his", true) => Some("her"),
                ("his", false) => Some("his"),
                ("himself", false) => Some("himself"),
                ("himself", true) => Some("herself"),
                _ => None,
            };
            if let Some(p) = pronoun {
                return Some(p.to_string());
            }
        }
        self.details
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_string())
    }
}

pub(super) fn spell(n: u32) -> &'static str {
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ][n.min(10) as usize]
}

pub(super) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn decapitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Final polish of a turn: single spaces, and a capital letter at the start
/// (after a leading stage direction such as "[sighs]").
pub(super) fn tidy(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.strip_prefix('[').and_then(|r| r.split_once("] ")) {
        Some((cue, rest)) => format!("[{cue}] {}", capitalize(rest)),
        None => capitalize(&text),
    }
}
