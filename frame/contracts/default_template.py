"""The contract Frame gives every practice to start from: Frame's own words, written for Frame.

Each clause has a stable key (so versions can be compared clause by clause), a title and text
with placeholders (see frame.contracts.placeholders). Practices edit it into their own; each edit
makes a new version. `REQUIRED_TOPICS` lists what a UK counselling contract should cover, by the
key of the clause that covers it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TEMPLATE_NAME = "Counselling agreement"


@dataclass(frozen=True)
class ClauseText:
    key: str
    title: str
    text: str


# What a contract should cover (BACP Ethical Framework, contracting and endings), by clause key.
REQUIRED_TOPICS: dict[str, str] = {
    "who-we-are": "Who we are and professional membership",
    "what-counselling-is": "What counselling is and is not",
    "assessment-and-review": "Assessment and review points",
    "sessions": "Session length, frequency, day and time",
    "fees": "Fees and payment",
    "cancellations": "Cancellations, lateness and missed sessions",
    "breaks": "Holidays and breaks",
    "confidentiality": "Confidentiality and its limits",
    "supervision": "Supervision",
    "records": "Records, data protection, retention and your rights",
    "contact-between-sessions": "Contact between sessions (not a crisis service)",
    "social-media": "Social media and no friendship outside therapy",
    "gifts": "Gifts",
    "recording": "Recording",
    "online-working": "Online working",
    "endings": "Endings, including if the practitioner is unexpectedly unavailable",
    "outcome-measures": "Outcome measures",
    "complaints": "Complaints",
}


DEFAULT_CLAUSES: tuple[ClauseText, ...] = (
    ClauseText(
        "who-we-are",
        "Who we are",
        """\
This agreement is between you, {client_name}, and me, {practitioner_name}, at {practice_name}.

I am a member of {professional_body}. I work within its ethical framework, and you can check \
my membership with them at any time. I hold professional insurance for my work.

This agreement sets out how we will work together. Please read it carefully and ask me about \
anything that is unclear or that you would like to change. It is meant to keep our work safe \
and clear for both of us.""",
    ),
    ClauseText(
        "what-counselling-is",
        "What counselling is, and what it is not",
        """\
Counselling is a space to talk about what matters to you, at your own pace, with someone \
trained to listen closely and to help you make sense of things. We will agree together what \
you would like from our work, and we can change that as we go.

Counselling is not advice, and I will not tell you what to do. It is not a medical service: \
I do not diagnose or prescribe, and I am not a substitute for your GP. I cannot promise a \
particular outcome. Sometimes things feel harder before they feel easier, and I hope you will \
tell me if that happens.""",
    ),
    ClauseText(
        "assessment-and-review",
        "Getting started and looking back",
        """\
Our first session is a chance for both of us to see whether working together feels right. \
There is no obligation to continue after it.

We have agreed {session_plan}. Every {review_every_sessions} sessions or so, we will take \
some time to look back at how the work is going, whether it is helping and whether anything \
needs to change. You are welcome to ask for a review at any other time too.""",
    ),
    ClauseText(
        "sessions",
        "Our sessions",
        """\
Sessions last {session_minutes} minutes and take place {frequency}, on {session_day_and_time}. \
Keeping to the same time helps the work: it gives you a space you can rely on.

Sessions start and end at the agreed time. If we need to move a session, we will try to find \
another time in the same week.""",
    ),
    ClauseText(
        "fees",
        "Fees and payment",
        """\
Each session costs {fee}. Please pay {payment_arrangement}.

I review my fees from time to time. I will give you at least {fee_notice_weeks} weeks' notice \
before any change, and we will agree it together before it applies to you. If money becomes \
difficult, please talk to me about it rather than stopping without a word.""",
    ),
    ClauseText(
        "cancellations",
        "Cancellations, lateness and missed sessions",
        """\
If you need to cancel, please let me know as soon as you can. With at least \
{cancellation_notice_hours} hours' notice there is no charge. With less notice I will charge \
{late_cancellation_charge}, because the time has been kept for you and I cannot usually offer \
it to someone else.

If you miss a session without letting me know, I will charge {did_not_attend_charge}. If I \
have not heard from you, I may get in touch to check you are all right, using only the \
contact details and wording we have agreed.

If you are running late, I will wait for you for at least {lateness_grace_minutes} minutes. \
The session will still end at the usual time, so that it does not run into someone else's.

If I have to cancel a session, I will tell you as early as I can and offer another time. You \
will never be charged for a session I cancel.""",
    ),
    ClauseText(
        "breaks",
        "Holidays and breaks",
        """\
I will tell you about my own holidays and planned breaks at least {break_notice_weeks} weeks \
beforehand, so that we can think together about the gap. Breaks can bring up feelings, and \
those are welcome in the room too.

Please let me know about your own holidays as early as you can. Sessions you tell me about in \
good time are not charged.""",
    ),
    ClauseText(
        "confidentiality",
        "Confidentiality and its limits",
        """\
What you tell me stays between us. I will not share it with anyone, including your GP, family \
or employer, without your permission, except in the situations below.

There are a few situations in which I may need to share information without your agreement:

- if I believe you, or someone else, is at serious risk of harm
- if I learn that a child or an adult at risk is being harmed, or is in danger of harm
- if the law requires it, for example information about terrorism or certain serious crimes
- if a court orders me to share my records

If I ever think sharing might be needed, I will talk with you first whenever I can, and we will \
try to decide together what happens, who is told and what they are told. I would only act \
without talking to you first if waiting would put you or someone else in danger, or if the \
law did not allow me to tell you. Afterwards I would explain what I did and why, and support \
you with what follows.

I discuss my work in supervision, as explained below, without anything that could identify \
you.""",
    ),
    ClauseText(
        "supervision",
        "Supervision",
        """\
Like every counsellor and psychotherapist in the UK, I take my work to regular supervision. \
My supervision is with {supervisor_arrangement}. Supervision helps me to work well and safely \
with you. When I talk about our work there, I do not use your name or anything that would \
identify you, and my supervisor is bound by confidentiality too.""",
    ),
    ClauseText(
        "records",
        "Your records and your rights",
        """\
I keep a record of your contact details, your GP's details, brief notes of our sessions and \
any questionnaires you complete. The records are kept securely and encrypted, and only I, and \
anyone who works with me on your care, can read them.

I keep your records for {retention_years} years after our work ends, and then destroy them \
securely. If you were under 18 when we finished, I keep them until at least your 25th \
birthday.

Under UK data protection law you have the right to see the information I hold about you, to \
ask me to correct anything that is wrong, and to ask how it is used. Just ask me, and I will \
respond within one month. My privacy notice explains all this in more detail. You can also \
contact the Information Commissioner's Office if you are unhappy with how your information \
is handled.""",
    ),
    ClauseText(
        "contact-between-sessions",
        "Contact between sessions",
        """\
Between sessions you can reach me by {contact_channels} for {contact_purposes}. I aim to reply \
within {response_time}. I do not usually offer support between sessions: the work itself \
happens when we meet, and I would rather we give what you want to tell me the time and care \
it deserves in the room.

My messages and the messages in Frame are not a crisis service, and nobody watches them around \
the clock. If you are in crisis or feel unsafe, please call 999 or go to A&E in an emergency, \
call NHS 111 and choose the mental health option, call Samaritans free on 116 123 at any time, \
or text SHOUT to 85258.""",
    ),
    ClauseText(
        "chance-encounters",
        "If we meet by chance",
        """\
We may one day see each other outside our sessions, in a shop or at an event. To protect your \
privacy I will not greet you first unless you have told me you would like me to. We will talk \
about what you would prefer, and you can change your mind at any time, in a session or in your \
Frame portal.""",
    ),
    ClauseText(
        "social-media",
        "Social media and our relationship",
        """\
Our relationship is a professional one, and that is what allows it to be a different kind of \
space from the rest of your life. So I will not become friends with you, on social media or \
in person, while we work together or afterwards, and I will not accept friend or follow \
requests. This is not a rejection of you: it is part of what keeps our work safe.

I will not look you up online. If you come across something about me online, you are welcome \
to bring it to a session.""",
    ),
    ClauseText(
        "gifts",
        "Gifts",
        """\
There is no need for gifts. If you would like to offer something, for example at the end of \
our work, we can talk about it together. I may not be able to accept it, and if so it is not \
a sign that I do not value the thought.""",
    ),
    ClauseText(
        "recording",
        "Recording",
        """\
Neither of us will record our sessions, by audio or video, without first agreeing it in \
writing. The same applies to screenshots of online sessions or of messages.""",
    ),
    ClauseText(
        "online-working",
        "Working online or by phone",
        """\
If we meet online, we will use {online_platform}. Please find a private space where you will \
not be overheard or interrupted, and I will do the same. If the connection fails, I will try \
to call you back; if that is not possible, I will get in touch to arrange what happens next. \
A session cut short by a technical problem on my side will not be charged.""",
    ),
    ClauseText(
        "endings",
        "Endings",
        """\
You can end our work at any time. If you can, please let me know in a session, so we can \
have a final session to look back on the work and say goodbye. Endings matter, and a planned \
one can be a valuable part of the work.

If I need to end our work, for example because I move away or stop practising, I will give \
you as much notice as I can and help you find support elsewhere if you want it.

If I am suddenly unable to work, through illness or in an emergency, {unavailability_contact} \
will get in touch with you to let you know and to help you with what you need. They will have \
only your contact details, and they are bound by confidentiality.""",
    ),
    ClauseText(
        "outcome-measures",
        "Questionnaires about how you are",
        """\
From time to time I may ask you to fill in short questionnaires about how you have been \
feeling. They help us both to notice change and to talk about how the work is going. They \
are kept with your records, you can see your own answers and scores, and you can always \
choose not to complete them.""",
    ),
    ClauseText(
        "complaints",
        "If you are unhappy",
        """\
If anything about our work troubles you, I hope you will feel able to tell me, so we can try \
to put it right together. If that does not feel possible, or does not resolve things, you can \
make a complaint to {professional_body}, whose complaints procedure applies to my work.""",
    ),
)
