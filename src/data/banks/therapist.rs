//! Therapist lines shared by all topics, part 1: opening, reflective
//! listening, validation, questions, summarising and de-escalation.
//! `{X}` is the client addressed, `{Y}` the other client.

/// Greeting at the start of the hour.
pub const GREET: &[&str] = &[
    "Come on in, both of you. Sit wherever feels comfortable.",
    "Good to see you both. Can I get either of you some water before we start?",
    "Hi, come in. I hope parking wasn't too much of a hassle today.",
    "Welcome back. Make yourselves comfortable, and we'll get going in a second.",
    "Hello, you two. Let me just close the door so we have some privacy.",
    "Thanks for coming in, both of you. I know late afternoons aren't easy to get away.",
    "Hi {A}, hi {B}. Come in, grab a seat.",
    "It's good to see you. I noticed you both got here a little early today.",
    "Come in, come in. Sorry about the wait, my last appointment ran over.",
    "Welcome. Take a moment to settle in, there's no rush.",
    "Hello again. The heating's finally fixed in here, so nobody has to keep a coat on.",
    "Good afternoon, both of you. Have a seat, and we'll begin whenever you're ready.",
    "Hi there. I'm glad you both made it, I know the weather's been awful.",
    "Come on through. Let me move these cushions so there's room.",
];

/// Check-in question after the greeting.
pub const CHECKIN_Q: &[&str] = &[
    "Before we dive in, how has the week been for the two of you?",
    "How have things been at home since we last met?",
    "Where are you both at today, coming in?",
    "How are you each feeling, walking in here today?",
    "What's the weather been like between you this week, so to speak?",
    "Let's start simply. How has this past week gone?",
    "Has anything come up since our last session that you'd like me to know about?",
    "How did the time between sessions go for you both?",
    "How are you doing, each of you, in this moment?",
    "Tell me a little about the last few days. How have they been?",
    "What's been on your minds on the way over here?",
    "Let's check in first. How has it been between you lately?",
];

/// Setting the agenda.
pub const AGENDA_Q: &[&str] = &[
    "What feels most important for us to focus on today?",
    "Where would you like to begin?",
    "What would make this hour feel worthwhile for you both?",
    "If we could only get to one thing today, what should it be?",
    "What's been sitting heaviest with you this week?",
    "What would you like to be different by the time you walk out of here?",
    "Which of you would like to start us off today?",
    "What brings you in today, in your own words?",
    "What's been hardest lately? Let's start there.",
    "I'd like to hear what each of you hopes we can work on today.",
    "Is there something specific that happened that you want to talk through?",
    "Where does it feel like the two of you keep getting stuck?",
];

/// Inviting the other partner in; `{X}` is the one invited.
pub const TURN_TO_OTHER: &[&str] = &[
    "{X}, I'd like to hear how this looks from where you're sitting.",
    "Let me turn to you, {X}. What's your side of this?",
    "{X}, you've been listening quietly. What comes up for you?",
    "And {X}, how do you see it?",
    "{X}, I saw you react when {Y} said that. What was going on for you?",
    "I want to make sure you get equal time, {X}. How does this land for you?",
    "{X}, what was it like to hear {Y} say that?",
    "Let's hear from you too, {X}. Is that how you'd describe it?",
    "{X}, does any of that fit with your experience, or does it look different to you?",
    "{X}, your face changed just now. Can you put words to it?",
    "{X}, what would you want me to understand about your part in this?",
    "Before we go further, {X}, I'm curious what this is like for you.",
    "{X}, hold your response for a second and just tell me what you're feeling right now.",
    "{X}, I'd love your version too.",
];

/// Reflective-listening stems; `{r}` is the reflection clause, `{R}` the
/// same clause capitalised.
pub const REFLECT: &[&str] = &[
    "It sounds like {r}.",
    "So what I'm hearing is that {r}.",
    "Let me make sure I've got this. {R}.",
    "If I'm following you, {r}.",
    "So for you, {X}, {r}.",
    "What I'm taking from that is that {r}.",
    "{X}, it seems like {r}.",
    "I hear that {r}.",
    "So underneath all of that, {r}.",
    "Let me say back what I heard. {R}. Is that close?",
    "Correct me if I'm wrong, but {r}.",
    "Okay, so {r}.",
    "It seems that {r}, and that's been going on for a while.",
    "What stands out to me is that {r}.",
    "I'm hearing that {r}. Have I got that right?",
    "So in those moments, {r}.",
    "That tells me {r}.",
    "Mm, so {r}.",
    "If I put it in my own words, {r}.",
    "From what you're describing, {r}.",
    "It sounds as though {r}.",
    "If I've understood you, {r}.",
    "What I hear underneath the words is that {r}.",
    "So, {X}, {r}.",
    "Let me check I'm with you: {r}.",
    "I'm getting the sense that {r}.",
    "So the heart of it is that {r}.",
    "You're telling me {r}.",
    "It's as if {r}.",
    "I think what you're saying is that {r}.",
    "So when that happens, {r}.",
    "Mm-hm, so {r}.",
    "Right, so {r}.",
    "Put simply, {r}.",
    "I'm really hearing that {r}.",
    "What comes through is that {r}.",
];

/// Validation and empathic responses.
pub const VALIDATE: &[&str] = &[
    "That makes a lot of sense, given everything you've described.",
    "Of course you'd feel that way. Anyone in your position might.",
    "I can hear how much that has hurt.",
    "That sounds really lonely.",
    "It takes courage to say that out loud, especially in front of {Y}.",
    "I think your reaction is completely understandable.",
    "That's a lot to carry on your own.",
    "It makes sense that you'd protect yourself after that.",
    "I really appreciate you being so honest about it.",
    "Your feelings about this are valid, even if {Y} sees it differently.",
    "That sounds exhausting, honestly.",
    "I can see how much this matters to you.",
    "No wonder you've been on edge.",
    "It sounds like you've been trying very hard for a long time.",
    "That's painful, and I don't want us to rush past it.",
    "I can see it in your face, how heavy this is.",
    "Both things can be true at once: you love {Y}, and this still hurts.",
    "That's an important thing to notice about yourself.",
    "It's okay that this is hard to talk about.",
    "I think a lot of people would feel exactly what you're feeling.",
    "That's a really human reaction.",
    "Thank you for trusting us with that.",
    "It makes sense that part of you wants to pull back.",
    "I'm glad you said it, even though it wasn't easy.",
    "That would shake anyone.",
    "I can see why that stayed with you.",
    "That's a lot to hold, and you've been holding it for a while.",
    "Of course that hurt. It would hurt me too.",
    "It makes complete sense that you'd react that strongly.",
    "You're not being unreasonable in feeling that.",
    "I can hear the exhaustion in your voice.",
    "That sounds like it cut deep.",
    "Anyone who cares as much as you do would feel that.",
    "That's a very understandable place to end up.",
    "It sounds like you've been very alone with that.",
    "I believe that. It sounds really hard.",
    "It's important that you said that out loud.",
    "There's nothing wrong with needing that.",
    "That's not too much to want.",
    "You're allowed to feel both of those things.",
    "I can see why you've been so guarded.",
    "It makes sense that it still stings.",
    "That kind of hurt doesn't just go away because time passes.",
    "What you're describing is a very normal response to a painful situation.",
];

/// Tentative observations offered after a reflection.
pub const WONDER: &[&str] = &[
    "I wonder if part of what makes this so hard is that neither of you feels seen right now.",
    "I'm curious whether this happens more when you're both worn out.",
    "I wonder what it would be like if {Y} knew how much this weighs on you.",
    "I notice you both lean forward when this comes up. It clearly matters to each of you.",
    "I wonder whether the argument is carrying something bigger than the topic.",
    "I'm struck by how much effort you're both putting in, and how little of it the other can see.",
    "I wonder if this is the part of the story that {Y} hasn't heard before.",
    "It makes me curious about what happens in the moments just before it goes wrong.",
    "I find myself wondering what you're both most afraid of losing.",
    "You describe this very matter-of-factly, and I wonder what it costs you.",
    "I wonder if some of this goes back further than the last few months.",
    "There's a lot of love in how frustrated you both are, strangely enough.",
    "I wonder if you've ever been able to talk about this when you weren't already upset.",
    "Something tells me there's more underneath this than we've touched so far.",
    "I'm struck by how carefully you're both choosing your words today.",
    "I wonder what would happen if you said that to each other at home.",
    "I notice the room got very still just then.",
    "I wonder if it's hard to believe that {Y} might see you differently than you fear.",
    "There seems to be a lot of grief under the frustration.",
    "I wonder if some part of you is waiting to be let down again.",
    "I'm curious what it would take for this to feel safe to talk about.",
    "I'm noticing how much of this you've been carrying in silence.",
    "It sounds like this has been building for a long time, quietly.",
    "I wonder if the two of you have ever had a chance to just be sad about this together.",
];

/// Transitions that lead into a new line of questioning.
pub const TRANSITION: &[&str] = &[
    "I want to shift gears a little.",
    "I'd like to come back to something.",
    "Let's stay with this a bit longer.",
    "Let's slow down and look at one piece of this.",
    "I'm going to move us along a little, if that's okay.",
    "Something you said earlier stuck with me.",
    "Can I ask about another part of this?",
    "I'd like to make sure we hear both sides of this today.",
    "Let's take a step back for a moment.",
    "I want to go a little deeper here.",
    "I'm noticing we keep circling something.",
    "Let me follow a thread for a minute.",
    "We've got a bit of time, so let's go slowly.",
    "I want to pick up on something from a few minutes ago.",
    "Let me check in with the other side of the room.",
    "I'd like to widen the lens for a second.",
    "Let's give this a little more room.",
    "I'm curious about something else you mentioned.",
    "I want to be fair to both of you here.",
    "Let's change direction slightly.",
    "I'm going to ask something a little different.",
    "Let's go back a step.",
    "I want to come at this from another side.",
    "Hold that thought for a moment.",
];

/// Open questions about feelings and meaning (answered with a softer point).
pub const OPEN_Q: &[&str] = &[
    "What was going on for you in that moment?",
    "What did you need from {Y} right then?",
    "What's the hardest part of it for you?",
    "What are you most afraid of, when it comes to this?",
    "What would you want {Y} to know that you haven't been able to say?",
    "What do you feel, right now, as you talk about it?",
    "When it gets like that, what's the feeling that's hardest to sit with?",
    "What does it bring up in you, when you picture it?",
    "What part of this do you think {Y} doesn't see?",
    "If you let yourself say the vulnerable part, what would it be?",
    "What happens inside you when you hear yourself say that?",
    "What's the feeling that keeps coming back?",
];

/// Invitations to name what is hard (answered with a complaint).
pub const INVITE_Q: &[&str] = &[
    "{X}, what's been getting to you most at home?",
    "What's the piece of this that weighs on you most, {X}?",
    "{X}, what do you wish {Y} understood about your day?",
    "Tell me more about what it's like for you at home right now, {X}.",
    "{X}, what does a typical bad evening look like?",
    "{X}, what's the thing you keep coming back to?",
    "What else has been hard, {X}?",
    "{X}, where does it hurt most, day to day?",
    "{X}, what would you most want changed, if you could change one thing?",
    "{X}, what's the part you find yourself explaining to friends?",
    "Let's stay with your side for a moment, {X}. What's been hardest?",
    "{X}, what have you been carrying that I haven't heard about yet?",
    "{X}, what's the part of this that nobody else sees?",
    "{X}, what's a normal Tuesday like for you these days?",
    "{X}, what do you find yourself biting your tongue about?",
    "{X}, what's changed most in the last few months, from where you sit?",
    "{X}, if {Y} could see one thing from your side, what would you want it to be?",
    "What's frustrating you most right now, {X}?",
    "{X}, what's the thing you'd say if you weren't worried about starting a fight?",
    "{X}, what goes unspoken at home?",
    "{X}, what do you wish we were talking about?",
    "{X}, what would you want me to know that I might be missing?",
    "And what about you, {X}? What's been weighing on you?",
    "{X}, what's the complaint you're tired of making?",
    "{X}, what gets under your skin the most these days?",
    "{X}, help me understand what it's like on your side of the house.",
];

/// Asking for a concrete episode (answered with an incident).
pub const STORY_Q: &[&str] = &[
    "{X}, can you walk me through a recent time this happened?",
    "Tell me about a moment this week when it came up, {X}.",
    "{X}, is there a particular time that stands out?",
    "Can you give me a specific example, {X}? Something recent.",
    "{X}, take me back to the last time it blew up. What happened?",
    "{X}, help me picture it. What happened the last time?",
    "What's a moment from the last few weeks that captures this, {X}?",
    "{X}, can you tell me about when it came to a head?",
    "{X}, what happened recently that brought this to the surface?",
    "Let's get concrete, {X}. When did this last happen?",
];

/// Short prompts to keep a client talking.
pub const FOLLOWUP: &[&str] = &[
    "Say more about that.",
    "Tell me more.",
    "What happened then?",
    "And how did you respond?",
    "Go on, I'm listening.",
    "Can you give me an example?",
    "What was that like?",
    "Keep going.",
    "What do you mean by that?",
    "What else is in there?",
    "How so?",
    "Stay with that for a moment. What else is there?",
    "Help me understand that a bit better.",
    "When you say that, what are you feeling?",
    "What did that mean to you?",
    "What else comes to mind?",
];

/// Minimal therapist turns in the middle of a client's story (distinct
/// from the clients' short turns).
pub const BACKCHANNEL: &[&str] = &[
    "Mm-hm.",
    "Okay, go on.",
    "I see.",
    "Right.",
    "Mm.",
    "Okay, I'm with you.",
    "I'm listening.",
    "Yes, go on.",
    "Go ahead.",
    "And then what?",
];

/// After a client comes back from a rupture.
pub const AFTER_RETURN: &[&str] = &[
    "Thank you for staying with it.",
    "I'm glad you're still here.",
    "That's all right. We'll go at your pace.",
    "Thanks for that. Let's take it slowly from here.",
    "We'll go gently from here.",
    "I appreciate you coming back to it.",
    "Let's keep going, slowly.",
    "It's okay. Take your time.",
];

/// Opening a summary.
pub const SUMMARY_OPEN: &[&str] = &[
    "Let me pause us here and pull together what I'm hearing.",
    "I want to slow down and summarize, because a lot has come up.",
    "Can I try to put the two sides next to each other?",
    "Let me see if I can hold both of your experiences at once.",
    "Here's what I'm noticing so far.",
    "I'm going to reflect back what I've heard from each of you.",
    "Let me try to sum up where we are.",
    "Okay, let me gather this up for a moment.",
    "I think it would help to step back and look at what each of you has said.",
    "Let me name what I'm hearing from both of you.",
];

/// Joining the two clients' reflections; `{ra}`/`{rb}` are A's and B's.
pub const SUMMARY_JOIN: &[&str] = &[
    "{A}, {ra}. And {B}, {rb}.",
    "On one side, {A}, {ra}. On the other, {B}, {rb}.",
    "{A}, {ra}; and {B}, {rb}.",
    "{A}, {ra}. {B}, {rb}. And both of those can be true.",
    "What I hear from you, {B}, is that {rb}. And {A}, {ra}.",
    "What I'm hearing, {A}, is that {ra}; and {B}, that {rb}.",
    "Two things stand out. {A}, {ra}. {B}, {rb}.",
    "{B}, {rb}. {A}, {ra}. Those are both real.",
];

/// Closing a summary with a check.
pub const SUMMARY_CLOSE: &[&str] = &[
    "Does that fit for both of you?",
    "Did I miss anything important?",
    "Is that a fair picture?",
    "How does it feel to hear it laid out like that?",
    "Have I got that about right?",
    "Is anything in there off?",
    "Does that sound right to each of you?",
    "What's it like to hear both of those side by side?",
];

/// De-escalation when things heat up.
pub const DEESCALATE: &[&str] = &[
    "Okay, let's slow this down for a second.",
    "I'm going to step in here, because I can see this is going somewhere painful fast.",
    "Let's pause. Both of you, just take a breath with me.",
    "Hold on. I want to stop us before this turns into the fight you have at home.",
    "I'm noticing the volume going up, and I don't think either of you is feeling heard right now.",
    "Let's take a beat. Nobody has to win this one.",
    "I'm going to ask you both to stop for a moment and put your feet on the floor.",
    "This is the cycle we've been talking about, happening right here in the room.",
    "I can feel how much heat is in here right now.",
    "Let me slow us down, because you're both talking and neither of you is being heard.",
    "I want to interrupt, gently, because this isn't getting either of you what you need.",
    "Let's just breathe for a second. In through the nose, slowly out.",
    "Stop for a moment. {X}, I can see your hands are shaking.",
    "Wait, wait. Let's not keep going down this road right now.",
    "I'm going to press pause here.",
    "Time out for a second. This matters too much to do at this speed.",
    "You're both in a lot of pain right now, and it's coming out sideways.",
    "I want to bring the temperature down a little before we go on.",
    "This is exactly the moment where things usually go off the rails at home, isn't it?",
    "Let's drop our voices a little. I'm not going anywhere, and neither is this conversation.",
    "Neither of you is the enemy here. The pattern is.",
    "I hear two people who are both really hurting, and both protecting themselves.",
    "Let's not try to solve anything in the next minute. Just slow down.",
    "Can we take ten seconds of quiet before anyone says anything else?",
];

/// Asking about the softer feeling under anger or defence.
pub const FEELING_UNDER_Q: &[&str] = &[
    "{X}, underneath the anger, what are you feeling?",
    "If we set aside the frustration for a second, what's underneath it for you, {X}?",
    "{X}, when you raise your voice like that, what's the feeling driving it?",
    "What's the softer feeling that the anger is protecting, {X}?",
    "{X}, what's it like inside you right now? Not what you think, what you feel.",
    "I wonder if there's some hurt under that, {X}. Can you find it?",
    "{X}, if the anger could speak more quietly, what would it say?",
    "What are you most scared of in this, {X}?",
    "{X}, where do you feel that in your body right now?",
    "{X}, if you weren't defending yourself, what would you be feeling?",
    "What does it feel like to be in your shoes when this happens, {X}?",
    "{X}, what happens to you on the inside when {Y} says that?",
    "I'm curious what's under the sharpness, {X}. Can you slow down and look?",
    "{X}, is there a part of you that feels sad about all this?",
];

/// Family-of-origin questions.
pub const ORIGIN_Q: &[&str] = &[
    "{X}, where do you think you learned to handle conflict this way?",
    "{X}, what was it like in your family growing up when people disagreed?",
    "{X}, does this feeling remind you of anything from earlier in your life?",
    "{X}, how did your parents deal with stress and anger when you were a kid?",
    "{X}, who in your family did you go to when you were upset?",
    "I'm curious, {X}, what happened in your house growing up when someone got angry?",
    "{X}, is this a familiar feeling? When have you felt it before?",
    "What did you learn as a kid about asking for what you need, {X}?",
    "{X}, what did love look like in the house you grew up in?",
    "When you were young, {X}, what happened if you showed you were hurt?",
];

/// Linking the past to the present.
pub const LINK_ORIGIN: &[&str] = &[
    "So it makes sense that some of what happens with {Y} hits something very old for you.",
    "That helps me understand why this lands so hard. It isn't only about this week.",
    "It sounds like you learned early that you had to handle things on your own.",
    "So part of what happens here is that an old alarm goes off, and it's loud.",
    "That's a lot for a kid to carry, and it sounds like you're still carrying some of it.",
    "No wonder you reach for the same protection now, when things feel unsafe.",
    "So the way you protect yourself now was really smart back then.",
    "That history is in the room with you two, even when neither of you names it.",
    "It sounds like you learned that needing someone was risky.",
    "I wonder if {Y} knew that about you before today.",
];
