"""Guidance for supporters and professionals, from the leaflet and facts.md.

The bot never collects anyone's personal details: no screen asks for a name, an address,
a date of birth or a phone number.
"""

from __future__ import annotations

from flows.text import Lines, Link, Phone, Text, _
from flows.topics import Topic

# --- friends, family and colleagues -------------------------------------------------------

SUPPORTER_TOPICS: dict[str, Topic] = {
    topic.id: topic
    for topic in (
        Topic(
            "help",
            _("How you can help"),
            (
                (
                    _("<b>How you can help</b>"),
                    Lines(
                        (
                            _("Listen to them, and believe them."),
                            _("Tell them it is not their fault."),
                            _("Do not suggest they meet or talk to the person to sort it out."),
                            _("Help them keep a diary and evidence. You can be a witness too."),
                            _("Do not tell them to block the person or change their number. Muting is safer: their messages can be evidence."),
                        )
                    ),
                    _("The person may also contact you to get to them. Keep what they send you, and do not reply."),
                ),
            ),
        ),
        Topic(
            "work",
            _("If it happens at work"),
            (
                (
                    _("<b>If it happens at work</b>"),
                    _("The person may phone, follow them, make false complaints to their employer, watch them, hack their accounts or come to the workplace."),
                    Lines(
                        (
                            _("If they agree, talk to their manager."),
                            _("Colleagues can help collect evidence and put protection in place."),
                            _("The Suzy Lamplugh Trust has a guide to stalking at work. It helps employers manage the risk and set up a workplace policy."),
                        )
                    ),
                ),
            ),
        ),
        Topic(
            "danger",
            _("When to call 999"),
            (
                (
                    _("<b>When to call the police</b>"),
                    _("Call %(n999)s if they, or you, are in danger now.", n999=Phone("999")),
                    _("Call %(n101)s to report it when it is not an emergency.", n101=Phone("101")),
                    _("Take any threat to hurt or kill them very seriously. People stalked by an ex-partner who has threatened them are the most likely to be hurt."),
                ),
            ),
        ),
    )
}

# --- professionals --------------------------------------------------------------------------

PROFESSIONAL_TOPICS: dict[str, Topic] = {
    topic.id: topic
    for topic in (
        Topic(
            "do",
            _("✅ Do and ❌ do not"),
            (
                (
                    _("<b>Do</b>"),
                    Lines(
                        (
                            _("Record how much harm the victim fears."),
                            _("Take threats to kill very seriously."),
                            _("Complete a DASH risk assessment and the 11 S-DASH stalking screening questions, and refer it on for action."),
                            _("Get specialist advice from West Midlands Police or the National Stalking Helpline."),
                        )
                    ),
                ),
                (
                    _("<b>Do not</b>"),
                    Lines(
                        (
                            _("Send the victim away believing it is not serious, or say they are lucky to get this attention."),
                            _("Think it is less serious because there has been no physical violence."),
                            _("Suggest the victim talks to or meets the person to sort things out."),
                            _("Never tell the victim to change their phone number or block the person. It will not stop them: they will find another way, and the risk can rise."),
                        )
                    ),
                    _("The victim's account and the context matter most. Research shows the highest risk of assault is to people whose ex-partner has threatened them."),
                ),
            ),
        ),
        Topic(
            "referral_wm",
            _("Refer: West Midlands Stalking Service"),
            (
                (
                    _("<b>Making a referral</b>"),
                    _("The West Midlands Stalking Service, run by Black Country Women's Aid, supports people over 16 in Sandwell, Solihull, Birmingham, Dudley, Walsall, Wolverhampton and Coventry. Services are consent based."),
                    _("The referral form asks for:"),
                    Lines(
                        (
                            _("the client's consent, or why it was not given"),
                            _("safe ways to contact them: calls, voicemail, texts, email"),
                            _("the most recent incident, and if the police know"),
                            _("DASH and S-DASH: if done, and the scores"),
                            _("risks: to the client, to others and to professionals"),
                            _("children and dependants"),
                        )
                    ),
                    _("Do not type any client details in this chat."),
                ),
                (
                    _("<b>Sending the form</b>"),
                    _("It holds personal data, so send it securely:"),
                    Lines(
                        (
                            _("by email with a password on the file, and the password in a separate email, to %(email)s", email=Link("IDVA@blackcountrywomensaid.co.uk")),
                            _("or by secure (CJSM) email to %(email)s", email=Link("IDVA@blackcountrywomensaid.co.uk.cjsm.net")),
                        )
                    ),
                    _("Advice by phone: %(phone)s", phone=Phone("0121 553 0090")),
                ),
            ),
        ),
        Topic(
            "referral_paladin",
            _("Refer: Paladin (high risk)"),
            (
                (
                    _("<b>Referral: Paladin</b>"),
                    _("Paladin National Stalking Advocacy Service supports victims at high risk: at risk of serious harm or homicide. Others are passed to local services or the National Stalking Helpline."),
                    _("Guidance for professionals: %(site)s", site=Link("paladinservice.co.uk/guidance-for-professionals")),
                    _("📞 %(phone)s", phone=Phone("020 3866 4107")),
                ),
            ),
        ),
        Topic(
            "prisoner",
            _("Stop contact from a prisoner"),
            (
                (
                    _("<b>Stopping contact from prisoners</b>"),
                    _("The Unwanted Prisoner Contact Service stops letters, calls, texts and messages from prisoners."),
                    _("A block can be asked for by the victim, by family or friends for them, by police, probation or victim liaison officers, or by an organisation working for them, such as solicitors or victim and domestic abuse charities."),
                    _("Use the online form \"Stop prisoner contact\", email %(email)s or call %(phone)s (Monday to Friday, 9am to 4pm).", email=Link("unwantedprisonercontact@justice.gov.uk"), phone=Phone("0300 060 6699")),
                ),
            ),
        ),
    )
}

SDASH_LINKS = (
    _("Full DASH risk checklist (SafeLives, in several languages): %(site)s", site=Link("safelives.org.uk/resources-library/dash-risk-checklist")),
    _("S-DASH questions from Paladin: %(site)s", site=Link("paladinservice.co.uk/dash-risk-assessment")),
)


# --- S-DASH (facts.md) -----------------------------------------------------------------------

# (question, short name for the summary); "the person" is the one doing the stalking.
SDASH_QUESTIONS: tuple[tuple[Text, Text], ...] = (
    (_("Is the victim very frightened?"), _("The victim is very frightened")),
    (_("Has the person harassed anyone before, this victim or others?"),
     _("Harassment before")),
    (_("Has the person ever destroyed or damaged the victim's property?"),
     _("Damaged property")),
    (_("Does the person visit the victim at work, home or elsewhere more than three times a week?"),
     _("Visits more than three times a week")),
    (_("Has the person hung around the victim's home, workplace or other places?"),
     _("Hanging around home or work")),
    (_("Has the person made threats of physical or sexual violence in this harassment?"),
     _("Threats of physical or sexual violence")),
    (_("Since it began, has the person harassed anyone close to the victim: friends, family, children, colleagues, partners or neighbours?"),
     _("Harassing people close to the victim")),
    (_("Has the person been violent to anyone in this stalking?"),
     _("Violence in this stalking")),
    (_("Has the person got other people to help them, knowingly or not?"),
     _("Others helping them")),
    (_("Is the person known to misuse drugs or alcohol?"), _("Drug or alcohol misuse")),
    (_("Is the person known to have been violent in the past (physical or psychological, reported or known)?"),
     _("Violence in the past")),
)

SDASH_NOTES = (
    _("There is no cut-off score. The more answers are yes, the higher the risk."),
    _("This is a screening aid, not a risk assessment. Complete it when there are two or more incidents, or the victim is very frightened."),
    _("Complete the full DASH risk checklist too. For high risk, refer to Paladin: %(phone)s.", phone=Phone("020 3866 4107")),
)
