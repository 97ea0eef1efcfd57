//! Therapist lines shared by all topics, part 2: reframing, enactments,
//! scaling questions, skills practice, alliance repair and closing.
//! `{X}` is the client addressed, `{Y}` the other client.

/// Introducing a reframe.
pub const REFRAME_INTRO: &[&str] = &[
    "Can I offer a slightly different way of looking at this?",
    "I want to suggest another way to see what's happening between you.",
    "Let me try something on you both, and you tell me if it fits.",
    "Here's what I see when I watch the two of you.",
    "I'd like to step back and look at the pattern instead of the details.",
    "Can I share something I've been noticing over the last few sessions?",
    "I don't think this is really about who's right.",
    "Let me put a frame around this that might help.",
    "I wonder if we could look at this from a different angle for a minute.",
    "What if neither of you is the problem here?",
];

/// General explanation of pursue-withdraw cycles.
pub const CYCLE: &[&str] = &[
    "The more one of you reaches, the more the other pulls back, and the more the other pulls back, the harder the first one reaches.",
    "This pattern has a life of its own. It shows up whether either of you wants it to or not.",
    "The protest is really a bid for connection, even when it comes out as criticism.",
    "Going quiet is often a way of trying to keep the peace, even though it feels like abandonment on the other side.",
    "When we feel disconnected from the person we love most, our nervous system treats it as an emergency.",
    "Each of you is reacting to the other's reaction, and it keeps looping.",
    "What looks like not caring from the outside is often caring so much that you freeze.",
    "The fight is rarely about the thing you're fighting about. It's about whether you matter to each other.",
    "When the alarm goes off in one of you, it sets off the alarm in the other.",
    "You're both trying to protect the relationship, just in completely opposite ways.",
    "The goal isn't to stop having feelings about this. It's to catch the loop earlier.",
    "If we can name the cycle, then the two of you can be on the same side against it.",
    "Criticism and withdrawal are often two sides of the same fear.",
    "Most couples I see have a version of this dance. Yours has its own steps, but it's a very human one.",
];

/// Setting up an enactment; `{X}` will speak to `{Y}`.
pub const ENACT_SETUP: &[&str] = &[
    "I'd like to try something a little different. {X}, could you turn your chair toward {Y}?",
    "{X}, instead of telling me, can you tell {Y} directly?",
    "Let's try this. {X}, look at {Y} and say it to {Y_him}.",
    "{X}, I'm going to ask you to speak to {Y} now, not to me.",
    "Can we try something? {X}, turn toward {Y} for a moment.",
    "{X}, would you be willing to say it to {Y} instead of to me?",
    "I want you two to talk to each other for a minute, and I'll just help. {X}, you go first.",
    "{X}, this is important enough that I'd like {Y} to hear it from you.",
    "Let's bring this into the room. {X}, can you face {Y}?",
    "{X}, I'm going to step out of the middle. Talk to {Y} about this directly.",
    "Try it with {Y}, {X}. Slowly. I'm right here.",
    "{X}, would you be willing to try something that might feel awkward?",
];

/// Coaching the speaker during an enactment.
pub const ENACT_COACH: &[&str] = &[
    "Say it to {Y_him}, not to me.",
    "Slower. Just the feeling, not the whole story.",
    "Try starting with 'I feel' and see where it goes.",
    "That's right, keep looking at {Y_him}.",
    "You don't have to get it perfect. Just say what's true.",
    "Take a breath first. There's no hurry.",
    "Leave out the 'always' and the 'never' and see what's left.",
    "Now say the part that's hardest to say.",
    "Stay with it. Tell {Y_him} what you're afraid of.",
    "Can you say it the way you just said it to me, softly?",
    "Just one sentence. What do you need {Y_him} to know?",
    "Keep your eyes on {Y_him}. You're doing fine.",
    "Try it without explaining or defending. Just the feeling.",
    "Let {Y_him} see you for a moment.",
];

/// Helping the listener take in what was said; `{X}` is the listener.
pub const ENACT_LISTENER: &[&str] = &[
    "{X}, before you respond, just take that in for a moment.",
    "{X}, I know you want to explain, but can you tell {Y} what you heard first?",
    "{X}, hold off on the defense for now. What did you just hear?",
    "{X}, what happens in you when {Y} says it like that?",
    "Hang on, {X}. Don't fix it. Just let it land.",
    "{X}, you don't need to agree with everything. Just let {Y} know you heard it.",
    "{X}, can you put the facts aside for a second? This is about how it felt.",
    "{X}, I noticed you were about to say 'but'. What if you leave the 'but' out?",
    "Take a breath, {X}. What do you want to say to {Y} about what you heard?",
    "{X}, look at {Y}. What do you see on {Y_his} face right now?",
    "{X}, let's not argue about the details. What did {Y} just tell you about {Y_himself}?",
    "{X}, can you respond to the hurt rather than the words?",
];

/// After an enactment exchange.
pub const ENACT_AFTER: &[&str] = &[
    "What was that like, to say it directly?",
    "{X}, what was it like to hear that?",
    "How does it feel to hear {Y} say that, {X}?",
    "What's happening for you right now, {X}?",
    "That was different from how you two usually talk. Did you notice?",
    "Let's just stay here for a moment. What are you each feeling?",
    "{X}, did that land? Did you feel heard?",
    "{X}, how is it, hearing that from {Y} instead of from me?",
    "Can you both feel the difference in how that went?",
    "What do you want to say back to {Y}, {X}?",
    "Notice how quiet it got in here. That's not a bad quiet.",
];

/// Marking a breakthrough; `{X}` is the one who received it.
pub const BREAKTHROUGH_MARK: &[&str] = &[
    "I want to slow right down here, because what just happened matters.",
    "Did you hear that, {X}? That's not something {Y} has said before, is it?",
    "That's a big moment. Let's not rush past it.",
    "This is what we've been working toward. You just reached each other.",
    "I want you both to notice this. You did this, not me.",
    "That took a lot. I'm really moved watching the two of you right now.",
    "Remember this moment. This is what it looks like when you step out of the cycle.",
    "{X}, I saw your shoulders drop when {Y} said that.",
    "You two just did something really different. How does it feel?",
    "This is the conversation underneath all the other conversations.",
    "Let's just stay with this for a second. No need to fill the silence.",
    "That's the first time today I've seen you really look at each other.",
];

/// Scaling questions early in the session.
pub const SCALE_OPEN: &[&str] = &[
    "On a scale from one to ten, where ten is as close as you've ever felt, where would you each put your relationship right now?",
    "If one is 'we're barely hanging on' and ten is 'we're in a really good place', where are you each today?",
    "From one to ten, how hopeful are you each feeling about the two of you at the moment?",
    "Quick check. One to ten, how safe does it feel to talk honestly with each other right now?",
    "On a one-to-ten scale, how connected have you felt to each other this week?",
];

/// Scaling questions in the middle of the session.
pub const SCALE_MID: &[&str] = &[
    "On a scale from one to ten, how understood do you each feel right now, in this room?",
    "One to ten, how much of what the other just said feels new to you?",
    "Where would you each put your hope, one to ten, compared with when we started today?",
    "Let me check the temperature. One to ten, how calm do you each feel right now?",
];

/// Scaling questions near the end.
pub const SCALE_CLOSE: &[&str] = &[
    "Before we finish, on a scale from one to ten, how hopeful are you each leaving today?",
    "One to ten, how connected do you feel right now, compared with when you walked in?",
    "Last question on the numbers. One to ten, how willing are you each to really try this week?",
    "If you had to score today from one to ten for how heard you felt, what would you each say?",
];

/// Following up a scaling answer; `{X}` is asked.
pub const SCALE_FOLLOW: &[&str] = &[
    "{X}, what would it take to move that up by just one point?",
    "What keeps it from being lower, {X}?",
    "{X}, what would a one-point-higher week look like?",
    "Interesting that you landed in different places. {X}, what do you make of that?",
    "{X}, what's the one thing that got it to where it is rather than lower?",
    "What would {Y} be doing differently if it were one number higher, {X}?",
    "{X}, what do you notice when you hear {Y}'s number?",
    "{X}, has that number changed at all since we started meeting?",
    "What would you need from {Y} to nudge that up a little, {X}?",
    "{X}, what do you think {Y} would have guessed your number was?",
];

/// Introducing a communication skill; `{X}` goes first.
pub const SKILL_INTRO: &[&str] = &[
    "I'd like to practice something. One of you speaks, and the other just reflects back what they heard before responding. {X}, you start.",
    "Let's try using 'I' statements: I feel this, when this happens, and what I need is this. {X}, give it a go.",
    "Here's the exercise. {X} talks for one minute about one thing, and {Y} listens without interrupting.",
    "I want to try a small experiment with how you bring things up. Start soft, start with yourself. {X}, would you try?",
    "We're going to practice a slow conversation. Short sentences, and only about your own feelings. {X}, you first.",
    "Let's try the speaker-listener exercise we talked about. {X}, you're the speaker first.",
    "I want each of you to practice asking for something without attaching a complaint to it. {X}, go ahead.",
    "Let's rehearse how this conversation could go at home, but slower. {X}, start us off.",
    "Try saying what you need instead of what {Y} does wrong, {X}. It's harder than it sounds.",
    "Here's a structure: what happened, how you felt, what you need. Nothing else. {X}, want to try?",
];

/// Redirecting a blaming attempt.
pub const SKILL_REDIRECT: &[&str] = &[
    "Let me stop you there. That started as a 'you' sentence. Try it again beginning with 'I'.",
    "That's the old script. What's the feeling underneath it?",
    "Close. Now take out the 'always' and try again.",
    "Hold on, that's a criticism dressed up as a feeling. Try again.",
    "I can hear the blame sneaking back in. What do you actually need?",
    "Pause. Say it as if {Y} is someone you want to understand you, not someone you want to beat.",
    "Try that again, but start with what it's like for you.",
    "That's where the fight usually starts, isn't it? Give it another go.",
    "Good effort. Let's make it about you rather than about {Y}.",
    "Notice how {Y} tensed up when you said that. Try a softer opening.",
];

/// Asking the listener to paraphrase; `{X}` is the listener.
pub const ASK_PARAPHRASE: &[&str] = &[
    "{X}, can you say back what you heard?",
    "{X}, before you answer, what did {Y} just say?",
    "Okay, {X}. Reflect it back, in your own words.",
    "{X}, your turn to listen. What was the message?",
    "{X}, just the reflection for now. What did you hear?",
    "{X}, what did you take from that?",
];

/// Praise after a successful attempt.
pub const SKILL_PRAISE: &[&str] = &[
    "That was much clearer. Did you feel the difference?",
    "Yes, that's exactly it.",
    "Simple and true. That's the one.",
    "Nicely done. Notice {Y} didn't get defensive this time.",
    "That's the kind of sentence {Y} can actually hear.",
    "That's really good. How did that feel to say?",
    "See how differently that lands?",
    "Much better. Short, honest, and about you.",
];

/// Gently challenging a client (can set off a rupture with the therapist).
pub const CHALLENGE: &[&str] = &[
    "{X}, I'm wondering what your part in this might be.",
    "{X}, can I push you a little on that?",
    "{X}, I notice you keep coming back to what {Y} does. What about what you do?",
    "{X}, I want to gently challenge that.",
    "{X}, is it possible {Y} experienced that differently?",
    "{X}, I'm going to stop you, because I think you're talking over {Y} again.",
    "{X}, I hear a lot of certainty about what {Y} meant. Can we check that with {Y_him}?",
    "{X}, I'm going to ask you to look at your own side of the loop for a minute.",
];

/// Owning a rupture in the alliance.
pub const RUPTURE_REPAIR: &[&str] = &[
    "You're right to tell me that, and I want to understand it.",
    "Thank you for saying it. If it felt like I was taking sides, that matters.",
    "I can see how it came across that way, and I'm sorry. That's not my intention.",
    "I'd rather you tell me than sit there feeling ganged up on.",
    "Fair enough. Let me slow down and make sure I'm hearing your side properly.",
    "I think I got that wrong. Help me understand what I missed.",
    "I'm not here to decide who's right. If it looked like that, I need to do better.",
    "It takes guts to push back on me. I'm glad you did.",
    "You're allowed to be frustrated with me too. That's part of this.",
    "Let me own that. I focused a lot on {Y} just now, and that wasn't fair to you.",
    "I don't want you to feel like this is two against one. Can we go back a step?",
    "That's important feedback. What would help you feel that I'm on both of your sides?",
];

/// Responding to a client who shuts down or wants to leave; `{X}` shut down.
pub const SHUTDOWN_RESPONSE: &[&str] = &[
    "{X}, it's okay to need a minute. Nobody has to leave.",
    "I can see you've hit a wall, {X}. That's okay. We can slow right down.",
    "{X}, you don't have to say anything right now. Can you just stay in the room with us?",
    "It sounds like it's all too much right now, {X}. That makes sense.",
    "{X}, I'm not going to push. Just tell me when you're ready.",
    "Let's take a pause. {X}, what's happening for you right now?",
    "{X}, I noticed you pulled back just then. I'd like to understand what happened.",
    "That's a signal we should listen to, {X}. Something got overwhelming.",
    "{X}, does it feel unsafe in here right now, or just unbearable?",
    "{X}, I hear that you want to stop. Can we stop the fighting without stopping the session?",
];

/// Inviting repair after a flare-up; `{X}` is invited.
pub const INVITE_REPAIR: &[&str] = &[
    "{X}, now that things have cooled a little, is there anything you want to say to {Y}?",
    "{X}, how are you feeling about what happened a few minutes ago?",
    "Can we go back to that moment when things got heated? {X}, what do you notice now?",
    "{X}, I noticed you went quiet after that exchange. What's there?",
    "I wonder if either of you wants to say something about how that went. {X}?",
    "{X}, what do you want {Y} to know about what happened just then?",
    "Before we move on, {X}, is there anything that needs repairing from a moment ago?",
];

/// Marking a repair; `{X}` made it.
pub const MARK_REPAIR: &[&str] = &[
    "That matters. Notice what just happened between you.",
    "That's what repair looks like. It doesn't have to be perfect.",
    "Thank you, {X}. That took something.",
    "Did you hear that, {Y}?",
    "I want to point out that you came back to each other. That's the skill.",
    "Fights happen. What counts is whether you can find your way back, and you just did.",
    "I could feel the room soften just now.",
    "That's a big shift from where we were ten minutes ago.",
    "{Y}, what's it like to hear that from {X}?",
    "That's the kind of repair that builds trust over time.",
];

/// Introducing homework.
pub const HOMEWORK_INTRO: &[&str] = &[
    "I'd like to give you something to try before next time.",
    "Here's a small assignment for the coming week.",
    "Let's talk about something you can practice at home.",
    "Before you go, I want to suggest an experiment for this week.",
    "I'm going to give you some homework, and I promise it's not a big one.",
    "Here's what I'd like you both to try between now and our next session.",
    "Let's turn what happened today into something you can take home.",
    "One more thing before we finish: a bit of practice for the week.",
    "I want to leave you with one concrete thing to do.",
    "Something for the week ahead, if you're both willing.",
];

/// Checking homework is workable.
pub const HOMEWORK_CHECK: &[&str] = &[
    "Does that feel doable?",
    "What might get in the way of that?",
    "Is that realistic with everything else going on?",
    "How does that sound to each of you?",
    "What would make that easier to actually do?",
    "Can you both commit to trying it, even imperfectly?",
    "If it goes badly, that's useful information too. Just notice what happens.",
    "Let's be honest: which of you is more likely to forget?",
];

/// Asking what to take away.
pub const CLOSE_Q: &[&str] = &[
    "What do you each want to take with you from today?",
    "What's one thing you heard today that you want to remember?",
    "Before you go, what feels different from when you came in?",
    "What would you like to hold on to from this session?",
    "What's one small thing you'll do differently this week?",
    "What surprised you today?",
];

/// Inviting last words between the partners.
pub const PARTING_Q: &[&str] = &[
    "Before you go, is there anything you want to say to each other?",
    "Is there anything either of you needs to say before we stop?",
    "{X}, what do you want {Y} to know as you leave today?",
    "Is there anything left unsaid that shouldn't wait a week?",
    "Is there something you'd like to appreciate in each other before we finish?",
    "{X}, is there something you want to say to {Y} before we wrap up?",
];

/// Appreciation at the end.
pub const CLOSE_APPRECIATE: &[&str] = &[
    "I want to acknowledge how hard you both worked today.",
    "That was a difficult hour, and you both stayed with it.",
    "You took some real risks with each other today.",
    "I know parts of today were painful. Thank you for not giving up on it.",
    "I saw both of you try something new in here.",
    "You should both be proud of what you did today, even the messy parts.",
    "Today wasn't easy, but it was honest, and that counts for a lot.",
    "I noticed how much more you were listening to each other by the end.",
    "You both showed up fully today. That's not nothing.",
    "Some of what happened today is exactly what change looks like.",
    "It's normal to feel wrung out after a session like this.",
    "Be gentle with yourselves tonight. You did a lot.",
];

/// Goodbye and logistics.
pub const GOODBYE: &[&str] = &[
    "Same time next week?",
    "Let's pick this up next Thursday.",
    "I'll see you both in two weeks, and call me if anything comes up before then.",
    "Take care of each other this week.",
    "We'll start with how the homework went next time.",
    "Drive safely, and I'll see you next week.",
    "Let's stop there for today.",
    "We're at time. I'll see you next session.",
    "Give yourselves a quiet evening if you can.",
    "You know where to find me if you need to.",
    "Okay, that's our time. Thank you both.",
    "I'll send the reading I mentioned by email tonight.",
];
