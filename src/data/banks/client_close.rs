//! Client lines for scaling questions, homework, the end of the session,
//! and the discourse markers used to vary turn openings.

/// Scaling answers; `{an}` is e.g. "a four" or "an eight", `{n}` the bare
/// number, `{N}` capitalised, `{n2}` one higher.
pub const SCALE_NUM: &[&str] = &[
    "I'd say {an}.",
    "Maybe {an}? On a good day, {an2}.",
    "Honestly, {an}.",
    "{N}. Maybe that's generous.",
    "I'd put it around {n}.",
    "{An}, I think.",
    "Somewhere between {n} and {n2}.",
    "{N}, if I'm being honest with myself.",
    "Probably {an}.",
    "I'll say {n}. Ask me tomorrow and it might be different.",
];

/// Reasons for a low score.
pub const SCALE_LOW: &[&str] = &[
    "We're still fighting about the same things.",
    "I don't feel like much has changed yet.",
    "It's hard to feel close when we're barely talking.",
    "There's just so much tension in the house.",
    "I want it to be higher, I just can't pretend.",
    "Some days it's lower than that.",
    "I still go to bed feeling alone most nights.",
    "Too much has happened lately for it to be higher.",
];

/// Reasons for a higher score.
pub const SCALE_HIGH: &[&str] = &[
    "Today helped more than I expected.",
    "I feel like {Y} actually heard me for once.",
    "It's higher than it was when we walked in.",
    "There's still a lot to do, but I can see a way through.",
    "I think we both want this, and that counts for something.",
    "I feel a bit lighter, honestly.",
    "It's the first time in a while I've felt like we're on the same team.",
    "Something shifted today. I don't want to jinx it.",
];

/// What would move the number up.
pub const SCALE_MOVE: &[&str] = &[
    "If we could get through one conversation without it blowing up, that would move it.",
    "Honestly, just feeling like {Y_he}'s trying.",
    "If {Y_he} asked me how I'm doing and actually waited for the answer.",
    "Some time together that isn't about problems.",
    "Knowing we're going to keep coming here, I think.",
    "If I felt less alone with it, it'd go up.",
    "What keeps it from being lower is that I still love {Y_him}. That hasn't changed.",
    "Probably a good night's sleep, honestly. And a hug.",
    "I don't know. Maybe hearing {Y_him} say sorry without a 'but'.",
    "The fact that we're both still showing up.",
];

/// Responses to homework.
pub const HOMEWORK_RESP: &[&str] = &[
    "We can do that.",
    "Every day, though? That's a lot with our schedules.",
    "I'm willing to try.",
    "Sure, I'll put a reminder in my phone.",
    "What if one of us forgets?",
    "That sounds doable, actually.",
    "I'll do it if {Y} does.",
    "Honestly, I think I need the structure.",
    "Can we start with every other day?",
    "I'm a bit nervous about it, but okay.",
    "Do we write it down, or just talk?",
    "Ten minutes I can do.",
    "I like that it's small.",
    "We'll try. No promises it'll be pretty.",
    "I think we did something like that years ago and it helped.",
    "Fine by me.",
];

/// Last words of the session.
pub const CLOSING: &[&str] = &[
    "This was hard, but I think it helped.",
    "Thanks. I feel lighter than when we came in.",
    "I'm exhausted, but in a good way, I think.",
    "Thanks. See you next week.",
    "I didn't expect to cry today. But okay.",
    "I'm glad we didn't cancel.",
    "Thank you for not letting us off the hook.",
    "I think I'm going to need a quiet drive home.",
    "That was a lot. Thanks.",
    "I feel a little more hopeful, honestly.",
    "I'm still processing, I think.",
    "Thanks. Really.",
    "I think we needed today.",
    "Let's actually try the homework. I mean it.",
    "I appreciate you today. Both of you.",
    "See you then.",
];

/// Last words to the partner at the end of a session.
pub const PARTING: &[&str] = &[
    "Thank you for staying today, even when it got hard.",
    "I love you. I know that got lost somewhere in there.",
    "I'm sorry about earlier. I want to keep doing this.",
    "I'm proud of us for today.",
    "Let's get takeout and not talk about any of this tonight.",
    "I'm glad you're on my team, even when it doesn't feel like it.",
    "Can we walk to the car the long way?",
    "I heard you today. I really did.",
    "I know I didn't make it easy. Thank you for not giving up on me.",
    "I want to try the homework properly this time.",
];

/// Scheduling the next session.
pub const LOGISTICS: &[&str] = &[
    "Thursday works for me.",
    "Can we do a bit later next time? I've got pickup.",
    "Same time is fine.",
    "I'll check my shifts and email you.",
    "We'll be there.",
    "Next week's tricky, but we'll make it work.",
    "Can we book the next two while we're here?",
    "Same time, same place.",
];

/// Discourse markers that can open a client turn.
pub const MARKERS: &[&str] = &[
    "I mean, ",
    "Honestly, ",
    "Look, ",
    "Well, ",
    "See, ",
    "The thing is, ",
    "And ",
    "Okay, so ",
];

/// Openers that suit the start of a story.
pub const NARRATIVE_MARKERS: &[&str] = &["Well, ", "Okay, so ", "So, ", "Honestly, "];
