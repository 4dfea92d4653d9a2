"""The emergency screen: 999, the Silent Solution, emergencySMS and 101 (facts.md)."""

from __future__ import annotations

from flows.screen import Block
from flows.text import Lines, Phone, _

EMERGENCY_BODY: tuple[Block, ...] = (
    _("<b>In danger now? Call %(n999)s.</b>", n999=Phone("999")),
    _(
        "<b>Can't speak?</b> On a mobile, call %(n999)s and listen. Cough or tap the phone "
        "if you can. When the recorded message asks, press %(n55)s. You will be put through "
        "to the police. They will ask you yes or no questions.",
        n999=Phone("999"),
        n55=Phone("55"),
    ),
    Lines(
        (
            _("If you don't press %(n55)s, the call ends.", n55=Phone("55")),
            _("Pressing %(n55)s does not tell the police where you are.", n55=Phone("55")),
            _("On a landline, stay on the line. You will be put through to the police."),
        )
    ),
    _(
        "<b>Deaf or speech-impaired?</b> Register with emergencySMS first: text "
        "\"register\" to %(n999)s. Then you can text %(n999)s in an emergency.",
        n999=Phone("999"),
    ),
    _("Not an emergency? Call the police on %(n101)s.", n101=Phone("101")),
)
