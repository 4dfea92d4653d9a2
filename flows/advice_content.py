"""The safety advice topics: the leaflet and facts.md, shortened for a phone screen.

Safety rules (DESIGN.md): never advise blocking the stalker or changing number; explain
"mute, don't block" and why; 999 in danger.
"""

from __future__ import annotations

from flows.text import Lines, Link, Percent, _
from flows.topics import Topic

REFUGE = Link("refugetechsafety.org")

MUTE = Topic(
    "mute",
    _("Mute, don't block"),
    (
        (
            _("<b>Mute, don't block</b>"),
            _("Blocking them can feel like the right thing to do. But it is usually safer not to:"),
            Lines(
                (
                    _("1. Their messages can be evidence for the police or a court."),
                    _("2. Blocking can make them try to reach you in person, or through people close to you."),
                    _("3. Blocking can make them feel they have lost control. This can make them more dangerous."),
                    _("4. Seeing their messages can help you know what they are thinking and doing, and where they are."),
                ),
                bullet="",
            ),
        ),
        (
            _("<b>How to cope with their messages</b>"),
            Lines(
                (
                    _("Mute them instead. Change your notification settings so their messages arrive quietly."),
                    _("Do not reply or get in touch with them in any way."),
                    _("Keep every message. It can be evidence."),
                    _("Do not change your phone number. If they cannot reach you by phone, they may try to find you in person."),
                )
            ),
            _("Refuge has guides to make your phone and accounts safer: %(site)s", site=REFUGE),
        ),
    ),
)

EVIDENCE = Topic(
    "evidence",
    _("Keeping evidence"),
    (
        (
            _("<b>Keep a diary</b>"),
            _("Write down each thing that happens, as soon as you can:"),
            Lines(
                (
                    _("the date and time"),
                    _("where it happened"),
                    _("what happened, and who did it"),
                    _("how it made you feel"),
                    _("anyone who saw it"),
                )
            ),
            _("This builds up a picture of what is happening. It helps if you report it to the police, now or later."),
        ),
        (
            _("<b>What to keep</b>"),
            Lines(
                (
                    _("texts, voicemails and emails"),
                    _("screenshots of messages or posts on social media"),
                    _("gifts or things left for you or your family, at home or at work"),
                    _("photos and videos, such as from doorbell or dashboard cameras"),
                )
            ),
            _("If a report is closed because there was not enough evidence, your record can help the police act later. It can also help get a Stalking Protection Order."),
        ),
    ),
)

PHYSICAL = Topic(
    "physical",
    _("Staying safe"),
    (
        (
            _("<b>Staying safe out and about</b>"),
            Lines(
                (
                    _("Think about carrying a personal alarm."),
                    _("Change your daily routine. Take different routes to and from work."),
                    _("Know your nearest safe place, like a police station. If there isn't one near, a 24-hour supermarket with security guards and CCTV can help."),
                )
            ),
        ),
        (
            _("<b>Staying safe at home</b>"),
            Lines(
                (
                    _("Lock all doors and windows before you go out or go to sleep."),
                    _("Ask the police about CCTV or a panic button for your home."),
                    _("Think about fitting an alarm system."),
                    _("Get support from a specialist service near you. See Helplines."),
                )
            ),
        ),
    ),
)

ONLINE = Topic(
    "online",
    _("Online safety and trackers"),
    (
        (
            _("<b>Online safety</b>"),
            Lines(
                (
                    _("Get your phone and computer checked for spyware, and for software that records what you type."),
                    _("Change your passwords often. Use a different password for each account."),
                    _("Share less about yourself online. Check your privacy settings."),
                    _("Keep your anti-virus software up to date."),
                    _("Report stalking on a website to the people who run it. If they do not act, contact the company that hosts the site."),
                )
            ),
            _("Refuge has step-by-step guides: %(site)s", site=REFUGE),
        ),
        (
            _("<b>Hidden trackers</b>"),
            _("Small trackers, the size of a key fob, can be used to follow where you go."),
            Lines(
                (
                    _("iPhone: open Find My, then Items, then Items Detected With You. Your iPhone may also warn you: \"Item Found Moving With You\"."),
                    _("Android: open Settings, then Safety & emergency, then Unknown tracker alerts, then Scan now."),
                    _("Turning off Bluetooth or location does not stop a tracker sending its location."),
                )
            ),
            _("If you find one, think about your safety before you remove it. Removing it can tell them you found it. Talk to the police or a helpline first. The tracker can be evidence."),
        ),
    ),
)

WORK = Topic(
    "work",
    _("Stalking at work"),
    (
        (
            _("<b>If it happens at work</b>"),
            _("It may be a colleague or a client. Or someone may come to your work because it is easy to find you there. It can include:"),
            Lines(
                (
                    _("phone calls"),
                    _("following you"),
                    _("false complaints to your employer"),
                    _("watching or spying on you"),
                    _("hacking"),
                    _("visiting your workplace"),
                )
            ),
            _("If you feel able to, tell your manager. They can help collect evidence and put protection in place. The Suzy Lamplugh Trust has a guide to stalking at work, for staff and employers."),
        ),
    ),
)

LAW = Topic(
    "law",
    _("What the law says"),
    (
        (
            _("<b>What the law says</b>"),
            _("Stalking has been a crime in England and Wales since 25 November 2012."),
            _("It is a pattern of unwanted, fixated and obsessive behaviour that is intrusive. It must happen on at least two occasions."),
            _("Stalking that causes fear of violence, or serious alarm or distress, can lead to up to 10 years in prison."),
            _("Stalking can cause serious harm even without violence, such as anxiety, depression, poor sleep and fear of going out."),
        ),
        (
            _("<b>Protection orders</b>"),
            _("The police can ask a court for a Stalking Protection Order. It can stop the person doing certain things, or make them do things."),
            _("Breaking the order is a crime. A court can make an order even if there is not enough to charge them with a crime."),
        ),
    ),
)

WHO = Topic(
    "who",
    _("Who stalks?"),
    (
        (
            _("<b>Who does this?</b>"),
            _("Many people think of a stranger, or an obsessed fan. But most people know their stalker."),
            _(
                "About %(share)s of people who contact the National Stalking Helpline are stalked by an ex-partner. About a third knew their stalker in another way. You may have dated them, been married to them or been their friend.",
                share=Percent(0.45),
            ),
            _("Knowing them does not make it your fault. It is still stalking, and it is wrong."),
        ),
    ),
)

TIPS = Topic(
    "tips",
    _("General tips"),
    (
        (
            _("<b>Tips</b>"),
            Lines(
                (
                    _("Do not get in touch with them in any way."),
                    _("If you feel able to, tell family, friends, neighbours, colleagues or your manager. They can help collect evidence and keep you safe."),
                    _("Check how much of your personal information can be found online, and protect it."),
                    _("Above all, trust your instincts."),
                    _("Call 999 if you are in danger."),
                )
            ),
        ),
    ),
)

TOPICS: dict[str, Topic] = {
    topic.id: topic for topic in (MUTE, EVIDENCE, PHYSICAL, ONLINE, WORK, LAW, WHO, TIPS)
}
