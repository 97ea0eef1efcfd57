//! Client lines shared by all topics. `{X}` is the speaker, `{Y}` the
//! partner; lines marked "to the partner" use "you" for the partner.
//! Scaling, homework and closing lines live in `client_close.rs` and are
//! re-exported here so callers use a single `client::` path.

pub use super::client_close::*;

/// Answers to the opening check-in.
pub const CHECKIN: &[&str] = &[
    "It's been a long week, honestly.",
    "Busy. Work has been a lot.",
    "Better than last week, I think.",
    "Up and down, if I'm honest.",
    "Pretty tense. We almost didn't come today.",
    "It was okay until Sunday, and then it wasn't.",
    "I've been sleeping badly, so everything's felt harder.",
    "We had a couple of good days in the middle there.",
    "Quiet. Maybe too quiet.",
    "Honestly, I've been dreading coming in.",
    "It was fine. We didn't really talk much.",
    "Stressful. My manager has been on my back all week.",
    "We had a nice dinner on Friday, which was new.",
    "Hard. We had another big fight on Tuesday.",
    "I'm tired. I'm just really tired.",
    "Mixed. There were moments where it felt normal again.",
    "I've been thinking a lot about what we talked about last time.",
    "Not great. I'll let {Y} tell you why.",
    "Mostly we've been avoiding each other, I'd say.",
    "Okay, I guess. Same as usual.",
    "I actually feel a bit hopeful today, which is strange.",
    "I nearly canceled, but I'm glad we came.",
    "Rough. I don't really know where to start.",
    "It's been all right. We got through it.",
];

/// A second sentence for the check-in.
pub const CHECKIN_MORE: &[&str] = &[
    "We've mostly been passing each other in the hallway.",
    "Nobody's been sleeping much, so everyone's short-tempered.",
    "We managed one decent conversation, which felt like progress.",
    "There was a blow-up midweek that we still haven't really talked about.",
    "I've been replaying last session a lot.",
    "Work has been eating everything else.",
    "We tried the thing you suggested, sort of. It didn't last.",
    "I think we were both relieved when the weekend was over.",
    "We had one nice evening, and then it slipped again.",
    "I noticed I've been holding my breath a lot at home.",
    "It's been more tense than I'd like to admit.",
    "We were polite with each other, which is its own kind of bad.",
    "We got through the week mostly by not bringing anything up.",
    "It was better on the days we were both too busy to fight.",
];

/// Generic elaboration of a complaint, told to the therapist.
pub const ELABORATE: &[&str] = &[
    "And it's not a one-off. It's been like this for months.",
    "I've tried bringing it up calmly. It doesn't go anywhere.",
    "It's the same argument every week, just with different details.",
    "I don't even know how we got here.",
    "By the end of it we're both exhausted and nothing's changed.",
    "I keep telling myself it'll get better once things calm down. They never calm down.",
    "And then we go to bed without speaking, and in the morning we act like it didn't happen.",
    "I don't think either of us is a bad person. We just keep hurting each other.",
    "Friends ask how we are and I say fine. We're not fine.",
    "It's like we speak two different languages.",
    "Some days I feel like we're roommates who happen to share a bank account.",
    "I can feel myself getting tense just talking about it.",
    "It sounds small when I say it out loud. It doesn't feel small.",
    "And I know I'm not blameless here. I just can't see my part when I'm in it.",
    "It wasn't always like this. We used to be good at talking.",
    "It keeps me up at night, honestly.",
    "I go over it in my head for days afterwards.",
    "I don't want to keep score, but somehow I always know the score.",
    "When it happens, I feel about twelve years old.",
    "We've been stuck on this for longer than I want to admit.",
    "I just want it to stop feeling like a fight all the time.",
    "And I'm tired of being the one who brings it up.",
    "I know what I'm supposed to say. It just doesn't come out that way.",
    "Part of me thinks, why bother, it won't change.",
];

/// Following a vulnerable disclosure with a little more of it.
pub const FEEL_MORE: &[&str] = &[
    "It's hard to even say that out loud.",
    "I don't think I've ever said that to anyone.",
    "I'm embarrassed by how much it gets to me.",
    "I try not to think about it, but it's always there.",
    "It sits in my chest most of the day.",
    "I don't really know what to do with that feeling.",
    "And then I get angry, because angry is easier.",
    "I feel like a kid when I say it.",
    "It's been like that for a long time, if I'm honest.",
    "I didn't realize how much it hurt until right now.",
    "I keep it to myself because I don't want to be a burden.",
    "Saying it makes it more real, somehow.",
    "I wish I didn't feel it so strongly.",
    "Some days that's all I can think about.",
    "I hide it pretty well, I think. Maybe too well.",
    "It scares me how much it matters.",
    "I don't want sympathy. I just want it to be different.",
    "When I'm honest with myself, that's the real thing.",
];

/// Neutral or noncommittal short turns.
pub const SHORT_NEUTRAL: &[&str] = &[
    "Yeah.",
    "I guess so.",
    "Maybe.",
    "Uh-huh.",
    "Yeah, I suppose.",
    "Kind of.",
    "That's one way to put it.",
    "If you say so.",
    "Fine.",
    "Sort of, yeah.",
    "Probably.",
    "I mean, yes.",
    "Mostly.",
    "Hm.",
    "Could be.",
    "I think so.",
    "Pretty much.",
    "Okay, yeah.",
    "Right, yeah.",
    "I hear you.",
    "Not really.",
    "Somewhat.",
    "I suppose that's true.",
    "Yep.",
];

/// Short protests, to the partner.
pub const SHORT_PROTEST: &[&str] = &[
    "That's not fair.",
    "That's not what happened.",
    "Oh, come on.",
    "Are you serious?",
    "That's not true and you know it.",
    "Here we go.",
    "Unbelievable.",
    "I didn't say that.",
    "You're twisting it.",
    "That's rich.",
    "Wow.",
    "No. No, that's not it.",
    "That was one time.",
    "You know that's not how it went.",
    "Really? You're going with that?",
    "Don't do that.",
    "That's such a stretch.",
    "Why are you bringing that up now?",
    "Please.",
    "Oh, so it's my fault again.",
    "I can't believe you just said that.",
    "That's not even close.",
    "Seriously?",
    "You're exaggerating.",
];

/// Short agreement.
pub const SHORT_AGREE: &[&str] = &[
    "That's true.",
    "Yeah, that's fair.",
    "I can't argue with that.",
    "That's exactly it.",
    "Yes, that's it.",
    "Okay, that's fair.",
    "I know.",
    "You're right.",
    "Yeah, I do that.",
    "I'll give you that.",
    "That's how it feels, yeah.",
    "That's spot on, honestly.",
    "Yeah, I think that's right.",
    "Mm, yes.",
    "Fair enough.",
    "That's a good way to put it.",
    "I hadn't thought of it like that.",
];

/// Turns that get cut off by the partner.
pub const INTERRUPTED: &[&str] = &[
    "I'm not saying you never\u{2014}",
    "Can I just finish what I\u{2014}",
    "That's not what I\u{2014}",
    "Okay, but the thing is\u{2014}",
    "If you would just let me\u{2014}",
    "No, what I meant was\u{2014}",
    "I was going to say\u{2014}",
    "Hang on, I'm trying to\u{2014}",
    "It's not that I don't\u{2014}",
    "Well, maybe if you'd\u{2014}",
    "All I'm asking is\u{2014}",
    "I know, but\u{2014}",
    "You always say that, but\u{2014}",
    "Every single time I try to\u{2014}",
    "That's because you\u{2014}",
    "Can you not\u{2014}",
    "I was trying to explain that\u{2014}",
    "Look, I didn't\u{2014}",
];

/// Openers of a turn that cuts in.
pub const INTERRUPTER: &[&str] = &[
    "Let me finish.",
    "No, hold on.",
    "Wait.",
    "Sorry, but no.",
    "I have to jump in here.",
    "Can I say something?",
    "Just a second.",
    "Hang on a minute.",
    "No, no, no.",
    "Let me stop you there.",
    "Hold on, hold on.",
    "Excuse me, I wasn't done.",
    "Don't cut me off.",
    "No, you listen for once.",
];

/// Generic escalation lines, to the partner.
pub const HEATED: &[&str] = &[
    "You always do this. You always make it about you.",
    "I'm so sick of being the bad guy in every story you tell.",
    "You don't listen. You never listen.",
    "Don't you dare turn this around on me.",
    "You want to talk about fair? Really?",
    "I can't keep doing this with you.",
    "Every time I try to talk to you, it's the same wall.",
    "You say sorry, and then nothing changes. Nothing.",
    "Why is it always me who has to bend?",
    "I'm not going to sit here and be lectured by you.",
    "You have no idea what my days are like. None.",
    "Stop rolling your eyes at me.",
    "I'm tired of apologizing for having feelings.",
    "Do you even hear yourself right now?",
    "This is exactly what you do at home, and now you're doing it here.",
    "You make everything into a competition about who's suffering more.",
    "I'm done pretending this is fine.",
    "Don't tell me how I feel.",
    "I've been saying this for years and you act like it's news.",
    "It's always later with you. Later never comes.",
    "You think you're so reasonable, and you have no idea how cold you sound.",
    "How many times do I have to say it before it counts?",
    "You don't get to be the victim here.",
];

/// Defensive responses, to the partner.
pub const DEFENSIVE: &[&str] = &[
    "I'm doing the best I can.",
    "I work all day. What more do you want from me?",
    "I've been trying. You just don't see it.",
    "I didn't know it was such a big deal.",
    "You never told me it bothered you that much.",
    "I'm not the only one who messes up, you know.",
    "I was tired. I'm allowed to be tired.",
    "Whatever I do, it's wrong, so why bother?",
    "I did apologize. More than once.",
    "It's not like I'm doing it on purpose.",
    "I'm here, aren't I? That has to count for something.",
    "You make it sound like I don't care at all.",
    "I was going to deal with it, I just hadn't yet.",
    "I'm not a mind reader.",
    "Okay, but you're leaving out what you said first.",
    "I feel like I'm on trial every time we talk.",
    "I've changed a lot, and you don't even see it.",
    "You remember every mistake I've ever made.",
    "I'm trying not to make it worse, that's all.",
    "There are two of us in this, you know.",
];

/// Withdrawal or threat to leave (rupture).
pub const SHUTDOWN: &[&str] = &[
    "I'm done. I can't do this today.",
    "You know what, forget it. I'm not saying anything else.",
    "I don't see the point of any of this.",
    "Maybe I should just go. You two can carry on without me.",
    "[long silence] I have nothing to say.",
    "I think I need to leave. I'm serious.",
    "Why do I even bother coming here?",
    "Fine. You win. Let's just stop.",
    "I can't breathe in here. I need to get out.",
    "Honestly, maybe we should just call it. The whole thing.",
    "I'm not doing this again. I'm not.",
    "[picks up coat] I'm going to wait in the car.",
    "Whatever. Talk about me like I'm not here, then.",
    "I'm checking out. I'm sorry, I just am.",
];

/// Partner's reaction to a shutdown, to the partner.
pub const SHUTDOWN_REACT: &[&str] = &[
    "See? This is exactly what happens at home.",
    "There it is. The wall.",
    "Please don't walk out again.",
    "You always do this when it gets hard.",
    "Okay, so we're done, then.",
    "[quietly] Don't go.",
    "This is what I was telling you about.",
    "Every time. Every single time.",
    "Great. Just great.",
    "Are you really going to leave right now?",
];

/// Challenging the therapist (rupture in the alliance).
pub const THERAPIST_RUPTURE: &[&str] = &[
    "Honestly, it feels like you're on {Y}'s side.",
    "Why is it always me you're asking to change?",
    "With respect, {T}, you don't know what it's like to live with {Y_him}.",
    "I'm paying for this too, and I feel like I'm the one being analyzed.",
    "This is starting to feel like two against one.",
    "You keep letting {Y} off the hook.",
    "I didn't come here to be told I'm the problem.",
    "Every time I talk, you find something wrong with how I said it.",
    "I'm not sure this is helping. We've been coming for weeks.",
    "You're doing exactly what {Y} does, turning it back on me.",
    "Is this what therapy is? Just making me the bad guy, politely?",
    "Sorry, {T}, but I feel really judged right now, by both of you.",
];

/// Coming back after a shutdown (repair).
pub const REENGAGE_SHUTDOWN: &[&str] = &[
    "Okay, I'm still here. I just needed a second.",
    "Sorry. It just got to be too much. I can keep going.",
    "I don't really want to leave. I just didn't know what else to do.",
    "All right. I'll stay. But I need us to slow down.",
    "Thank you for not pushing. I think I can talk now.",
    "I think I went quiet because I was about to cry, and I didn't want to.",
    "[takes a breath] All right, where were we?",
    "I didn't mean to shut down. It's what I do, I know.",
    "I'm sorry I said that. I do want to be here.",
    "I'm staying. I just got scared.",
];

/// Coming back after challenging the therapist (repair).
pub const REENGAGE_THERAPIST: &[&str] = &[
    "Okay, that actually helps. I felt like nobody was hearing me.",
    "I appreciate you saying that. I'll give it another go.",
    "Thanks. I guess I felt cornered.",
    "All right. I didn't expect you to take it that well, honestly.",
    "Sorry I came at you. It's been a hard few weeks.",
    "Fine. Yes. I can keep going if it's both of us under the microscope.",
    "Thanks. That makes me feel less like the defendant here.",
    "I think I just needed to know you weren't keeping score.",
];

/// Apology after a flare-up (repair), to the partner.
pub const APOLOGY: &[&str] = &[
    "I'm sorry. I didn't mean it like that.",
    "That came out a lot harsher than I meant it to.",
    "I'm sorry I raised my voice. You didn't deserve that.",
    "Okay, I was out of line just then.",
    "I hate that we do this. I'm so sorry.",
    "I said that to hurt you, and I'm sorry.",
    "Can I try that again? That's not what I wanted to say.",
    "You're right, that was a cheap shot.",
    "I got defensive. I do that, and I'm sorry.",
    "I don't want to fight with you. I really don't.",
    "I'm sorry, I know you're hurting too.",
    "That was unfair of me. I know how hard you've been trying.",
    "Let me take that back. I was angry.",
    "I'm sorry for interrupting. Go ahead, I'm listening.",
    "I don't want us to be like this.",
    "I shouldn't have brought that up like that.",
];

/// Receiving a soft disclosure well, to the partner.
pub const HEARD: &[&str] = &[
    "I didn't know it felt like that for you.",
    "I hear you. I really do.",
    "I never thought of it that way.",
    "That's hard to hear, but I'm glad you said it.",
    "I had no idea it was that bad for you. I'm really sorry.",
    "I think I knew that, but I've never let myself hear it.",
    "I don't want you to feel like that. Not with me.",
    "Thank you for telling me that.",
    "That actually makes a lot of sense.",
    "I wish you'd told me sooner. But I get why you didn't.",
    "I feel awful that you've been carrying that.",
    "I want to understand. Tell me more.",
    "I'm here. I'm staying right here.",
    "That breaks my heart a little, honestly.",
    "You've never said it like that before.",
    "I didn't realize it had been that hard.",
    "I'm listening. Go on.",
    "I don't think I ever asked. I should have.",
    "That's not what I want for you.",
    "I can see it on your face. I believe you.",
    "I guess I've been too defensive to hear that.",
    "Thank you for trusting me with that.",
    "I didn't see it. I see it now.",
    "That makes me sad, honestly.",
];

/// Receiving the partner's acknowledgment at the end of an enactment.
pub const RECEIVE: &[&str] = &[
    "Thank you, I needed to hear that.",
    "[tearful] I didn't think you'd ever say that.",
    "Okay, okay. Thank you for saying it.",
    "That means a lot.",
    "I don't know what to say. Thanks for that.",
    "I've been waiting a long time to hear that.",
    "That helps. It really does.",
    "[quietly] Thank you for saying that.",
    "I believe you. I think I actually believe you.",
    "That's all I wanted. Really, that's all.",
];

/// Answering "what was that like?" after an enactment that did not land fully.
pub const ENACT_REPLY: &[&str] = &[
    "Scary. But okay.",
    "Strange. Good strange, I think.",
    "Harder than I thought it would be.",
    "It felt like I was actually heard, a little.",
    "I don't know. Exposed.",
    "Like I'd been holding my breath for months.",
    "Weird, honestly. But I meant it.",
    "I want to believe it. I'm not there yet.",
    "It's a start, I guess.",
    "Better than yelling, I'll say that.",
];

/// Hesitation before an enactment.
pub const HESITATE: &[&str] = &[
    "This feels weird.",
    "I don't know where to start.",
    "Um. This is strange.",
    "Do I have to look at {Y_him}?",
    "I feel kind of silly doing this.",
    "I'm not good at this kind of thing.",
    "Give me a second.",
    "I'll try. I don't know if it'll come out right.",
    "It's easier talking to you than to {Y_him}, honestly.",
    "[laughs nervously] Okay, okay.",
    "I've never said this out loud.",
    "Right. Here goes.",
    "Can I just say it to you first?",
    "I'm nervous, which is ridiculous.",
];

/// Answering a therapist's reflection.
pub const RESPOND_REFLECT: &[&str] = &[
    "Yes, exactly.",
    "That's it, yeah.",
    "Sort of. It's more that I don't feel like it matters to {Y_him}.",
    "Yeah, when you say it like that, it sounds so simple.",
    "Yes, and it's been like that for a long time.",
    "I think that's right. I hadn't really put it into words.",
    "That's part of it.",
    "Yeah, that's what I've been trying to say.",
    "Exactly, and nobody seems to get that.",
    "I suppose. It's more complicated than that, though.",
    "Yeah, thanks. That's the thing.",
    "Mostly, yeah. Also I'm just tired.",
    "When you put it that way, it does sound sad.",
    "God, yes.",
    "I don't know if it's that dramatic, but yes.",
];

/// Doubting a reframe.
pub const SKEPTIC: &[&str] = &[
    "Maybe. It still feels like {Y_he} just doesn't care.",
    "I hear that, but it doesn't change what happened.",
    "That sounds nice in here. At home it doesn't feel like a dance, it feels like a war.",
    "I don't know. I'm not sure I buy that.",
    "So it's nobody's fault? That's a little convenient.",
    "Maybe for {Y_him}. I don't think I do that.",
    "I get the theory. I'm just tired.",
    "Okay, but how do we stop it?",
];

/// Insight after a reframe or origin link.
pub const INSIGHT: &[&str] = &[
    "I think I've been so busy defending myself that I never actually listened.",
    "Huh. I've never really thought about it like that.",
    "I guess I do the same thing my parents did.",
    "Maybe it isn't really about the thing we fight about at all.",
    "That's probably true. I hate that it's true, but it probably is.",
    "I think I've been waiting for {Y} to read my mind.",
    "It's strange how it follows you, isn't it?",
    "I think I go quiet because I'm scared of making it worse.",
    "I guess when I get loud, it's because I don't think I'm being heard any other way.",
    "I don't love hearing that, but it fits.",
    "I think we've both been trying to protect ourselves from the same thing.",
    "Maybe I've been punishing {Y_him} for things that happened long before we met.",
    "That does sound familiar. Too familiar.",
    "It's easier to be angry than to admit I'm scared.",
];

/// Family-of-origin memories that fit any topic.
pub const ORIGIN: &[&str] = &[
    "In my family, nobody yelled. They just stopped speaking to each other for days.",
    "My dad drank, and we all learned to read the room before we opened our mouths.",
    "We were the family that looked perfect from the outside. Nobody talked about anything real.",
    "My parents fought constantly, loudly, and then acted like nothing had happened.",
    "I was the oldest, so I was the one who kept things together when things fell apart.",
    "Dad left when I was nine, and I think I've been waiting for people to leave ever since.",
    "In our house, if you cried, you got sent to your room until you were done.",
    "My parents never argued in front of us. I didn't know how to disagree with someone I loved until I was an adult.",
    "My grandmother raised me, mostly. She was kind, but she never said she loved me out loud.",
    "I learned pretty early that if I kept my head down, things blew over.",
    "Nobody ever asked me how I was feeling. It just wasn't a question people asked.",
    "My father's way of showing love was fixing things. He never said much.",
];

/// A first attempt at an I-statement that slips into blame, to the partner.
pub const BLAME_TRY: &[&str] = &[
    "You never listen when I try to tell you something.",
    "You always make me feel like I'm overreacting.",
    "I feel like you don't care about anything I say.",
    "I feel that you're being selfish.",
    "You make everything so hard.",
    "When you do that thing where you ignore me, it's really rude.",
    "I feel like you never think about anyone but yourself.",
    "You just don't get it, and you never have.",
    "I feel like you should know by now what I need.",
    "Why can't you just, for once, think about how I feel?",
];

/// Paraphrasing the partner in skills practice, to the partner.
pub const PARAPHRASE: &[&str] = &[
    "So what I'm hearing is that you need me to notice before it gets to that point.",
    "So you're saying it's not the thing itself, it's feeling alone with it.",
    "What I heard is that you're scared, not just angry.",
    "So when I do that, you feel like you don't matter. Is that right?",
    "So it's less about what I did and more about how it left you feeling.",
    "I think you're saying you want to feel like we're on the same side.",
    "So you need me to ask, instead of assuming.",
    "What I'm hearing is that you've been carrying this on your own for a long time.",
    "Let me try. You feel like you're trying, and it doesn't get seen.",
    "So you're saying that when I pull away, it feels like I'm gone.",
    "You want me to hear the hurt under it, not just the complaint.",
    "I think what you're telling me is that you need comfort, not solutions.",
];
