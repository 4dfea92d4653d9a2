"""Ten languages: complete catalogs, every screen in every language, negotiation, typing,
right-to-left text, and whole checks in Polish and Urdu through the Telegram layer."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.conversation import Conversation
from bot.i18n import LOCALES_DIR, LRI, RLM
from bot.logs import Pseudonyms
from bot.telegram_app import build_application
from bot.typed import normalise, typed_action
from flows.check import sign_screen
from flows.emergency import EMERGENCY_BODY
from flows.menu import MENU_BUTTONS, menu_screen
from flows.screen import Screen, back
from flows.session import Session
from flows.signs import CONTEXT, YES_NO_UNSURE
from flows.text import P_
from flows.words import ANSWER_WORDS
from tests.botclient import BotClient
from tests.fakeapi import parse_html
from tests.flowdriver import FlowDriver, catalogs, engine
from tests.test_every_screen import SCREENS
from tools.catalogs import check, problems

SHIPPED = ("en", "cy", "pl", "ro", "pa", "ur", "bn", "ar", "pt", "es")
TOKEN = "123456:LANGUAGES-token-for-the-fake-api-0"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
BUTTON_LIMIT = 48


def test_the_ten_languages_are_shipped():
    assert catalogs().languages == ("en", *sorted(SHIPPED[1:]))


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_catalog_is_complete_and_matches_the_source(lang):
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    assert problems(po) == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_plural_forms_are_valid_for_the_language(lang):
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals
    for message in plurals:
        assert len(message.string) == catalog.num_plurals
    tr = catalogs().translator(lang)
    for count in (0, 1, 2, 3, 5, 11, 13, 100):
        text = tr.text(P_(
            "You were not sure about %(count)s sign. That is fine. Trust your instincts.",
            "You were not sure about %(count)s signs. That is fine. Trust your instincts.",
            count, count=count,
        ))
        assert text.strip()
        assert "%(" not in text


def test_catalogs_have_not_drifted_from_the_code():
    assert check() == 0


def rendered(lang: str) -> Iterator[tuple[str, list[str]]]:
    tr = catalogs().translator(lang)
    for _session, screen in SCREENS:
        labels = [tr.label(b.label) for row in screen.buttons for b in row]
        yield tr.screen(screen.body), labels


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_screen_fits_telegram_in_every_language(lang):
    for html, labels in rendered(lang):
        plain, _entities = parse_html(html)  # raises on tags Telegram would refuse
        assert 0 < len(plain.encode("utf-16-le")) // 2 <= 4096
        for label in labels:
            assert 0 < len(label) <= BUTTON_LIMIT, label


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "en"), ("en-GB", "en"), ("en-US", "en"), ("cy", "cy"), ("cy-GB", "cy"),
        ("pl", "pl"), ("pl-PL", "pl"), ("ro", "ro"), ("ro-MD", "ro"), ("pa", "pa"),
        ("pa-IN", "pa"), ("pa-Guru", "pa"), ("ur", "ur"), ("ur-PK", "ur"), ("bn", "bn"),
        ("bn-BD", "bn"), ("ar", "ar"), ("ar-EG", "ar"), ("pt", "pt"), ("pt-BR", "pt"),
        ("pt-br", "pt"), ("pt-PT", "pt"), ("es", "es"), ("es-419", "es"), ("es_MX", "es"),
        ("zh-hans", "en"), ("fr", "en"), ("", "en"), (None, "en"), ("not a code", "en"),
    ],
)
def test_telegram_language_codes_choose_the_catalog(code, expected):
    assert catalogs().negotiate(code) == expected


@pytest.mark.parametrize("lang", SHIPPED)
def test_typed_answers_work_in_every_language(lang):
    tr, english = catalogs().translator(lang), catalogs().translator("en")
    screen: Screen = sign_screen(Session(state="check.sign"), engine().context(NOW))
    for code, words in ANSWER_WORDS.items():
        first = tr.label(words).split(",")[0]
        assert typed_action(first, screen, tr, english) == f"answer:0:{code}", (lang, first)
    for code, label in (("y", "Yes"), ("n", "No"), ("u", "Not sure")):
        own = tr.label(next(b.label for row in screen.buttons for b in row
                            if english.label(b.label) == label))
        assert typed_action(own, screen, tr, english) == f"answer:0:{code}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_answer_words_do_not_overlap(lang):
    tr = catalogs().translator(lang)
    seen: dict[str, str] = {}
    for code, words in ANSWER_WORDS.items():
        for word in (normalise(w) for w in tr.label(words).split(",")):
            assert seen.setdefault(word, code) == code, (lang, word)


@pytest.mark.parametrize("lang", ["ur", "ar"])
def test_right_to_left_screens_keep_numbers_in_order_and_arrows_mirrored(lang):
    tr = catalogs().translator(lang)
    text = tr.screen(EMERGENCY_BODY)
    assert all(line.startswith(RLM) for line in text.split("\n") if line)
    assert f"{LRI}999" in text
    assert "▶" in tr.label(back().label)


def test_left_to_right_screens_have_no_direction_marks():
    text = catalogs().translator("pl").screen(SCREENS[0][1].body)
    assert RLM not in text and LRI not in text


# --- whole conversations through the Telegram layer --------------------------------------


@pytest.fixture
async def application(api, store) -> AsyncIterator[object]:
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k")
    )
    app = build_application(TOKEN, api.base_url, conversation)
    async with app:
        yield app


def english_sentences() -> set[str]:
    """English msgids long enough that seeing one means a screen was not translated."""
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp)
    sentences = set()
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        plain = re.sub(r"<[^>]+>|%\(\w+\)s", "", msgid or "").strip()
        if len(plain.split()) >= 5:
            sentences.add(plain)
    return sentences


async def whole_check(client: BotClient, labels: dict[str, str]) -> list[str]:
    """/start, the check with every answer "yes"/"ex-partner", the summary, a helpline."""
    screens = []
    await client.send("/start")
    screens.append(client.screen_text)
    await client.click(labels["check"])
    await client.click(labels["no"])
    for _ in range(13):
        screens.append(client.screen_text)
        await client.click(labels["yes"])
    await client.click(labels["ex"])
    for _ in range(4):
        screens.append(client.screen_text)
        await client.click(labels["yes"])
    screens.append(client.screen_text)  # the summary
    await client.send("/menu")
    await client.click("📞")
    await client.click(labels["nsh"])
    screens.append(client.screen_text)
    return screens


def labels_in(lang: str) -> dict[str, str]:
    tr = catalogs().translator(lang)
    return {
        "check": tr.label(MENU_BUTTONS[0][0].label),
        "yes": tr.label(YES_NO_UNSURE[0][1]),
        "no": tr.label(YES_NO_UNSURE[1][1]),
        "ex": tr.label(CONTEXT[0].options[0][1]),
        "nsh": "National Stalking Helpline",
    }


@pytest.mark.parametrize("lang", ["pl", "ur"])
async def test_a_whole_check_is_in_the_language_with_no_english_leaks(api, application, lang):
    client = BotClient(api, application, chat_id=8100, language=lang)
    screens = await whole_check(client, labels_in(lang))
    english = english_sentences()
    assert len(screens) == 20
    for text in screens:
        for sentence in english:
            assert sentence not in text, (lang, sentence)
    summary = screens[-2]
    assert "020 3866 4107" in summary  # Paladin's number, untranslated
    assert "0808 802 0300" in screens[-1]


async def test_unknown_language_is_offered_the_list_once(api, application):
    client = BotClient(api, application, chat_id=8200, language="zh-hans")
    await client.send("/start")
    assert "Choose your language." in client.screen_text
    assert "Polski" in client.labels() and "اردو" in client.labels()
    await client.send("/start")
    assert "Choose your language." not in client.screen_text


async def test_language_can_be_changed_at_any_time(api, application):
    client = BotClient(api, application, chat_id=8300, language="en")
    await client.send("/start")
    await client.send("/language")
    await client.click("Cymraeg")
    assert "✓ Cymraeg" in client.labels()
    await client.send("/menu")
    tr = catalogs().translator("cy")
    welsh_menu = menu_screen(Session(), engine().context(NOW))
    assert client.screen_text == tr.screen(welsh_menu.body, markup=False)


def test_the_terminal_chat_speaks_the_chosen_language():
    from tests.test_config_storage import run_bot  # noqa: PLC0415

    result = run_bot("chat", "--lang", "pl", env={}, stdin="/exit\n")
    assert result.returncode == 0, result.stderr
    tr = catalogs().translator("pl")
    assert tr.label(menu_screen(Session(), engine().context(NOW)).body[0]) in result.stdout
    assert run_bot("chat", "--lang", "xx", env={}, stdin="").returncode == 2


@pytest.mark.parametrize(
    ("lang", "wednesday"), [("pl", "środa"), ("ur", "بدھ"), ("cy", "Dydd Mercher")]
)
def test_helpline_hours_are_in_the_language_and_uk_time(lang, wednesday):
    driver = FlowDriver(now=NOW, lang=lang).action("open:helplines")
    driver.action("service:national_stalking_helpline")
    assert wednesday in driver.text
    assert "20:00" in driver.text


@pytest.mark.parametrize("lang", SHIPPED)
@pytest.mark.parametrize("answers", ["n" * 11, "y" + "n" * 10, "yy" + "n" * 9, "y" * 11])
def test_sdash_summaries_read_in_every_language(lang, answers):
    driver = FlowDriver(now=NOW, lang=lang).action("open:sdash")
    for index, code in enumerate(answers):
        driver.action(f"answer:{index}:{code}")
    text = driver.text
    assert driver.state == "sdash.summary"
    assert "%(" not in text and "020 3866 4107" in text
    if lang != "en":
        english = FlowDriver(now=NOW).action("open:sdash")
        for index, code in enumerate(answers):
            english.action(f"answer:{index}:{code}")
        assert text != english.text


def test_the_readme_shows_the_current_translation_status():
    from tools.catalogs import status_table  # noqa: PLC0415

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert status_table() in readme, "update the README with `python -m tools.catalogs status`"
