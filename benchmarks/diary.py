"""The diary export's cost: 500 realistic incidents as a PDF (target: under 2 s in every
language and script, on a 2-core machine) and a CSV.

    python -m benchmarks.diary

The incidents are an English diary over about a year: short and long descriptions,
quick notes, evidence, forwarded messages, and one in about sixteen quoting a message in
Polish, Arabic, Urdu, Bengali or Panjabi (so all six fonts are loaded and subset). For
comparison: the same diary without those quotes, the same diary with Arabic labels (right
to left: every label and date goes through shaping and bidi), and a diary written in
Arabic.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from babel.support import NullTranslations
from pypdf import PdfReader

from bot.export import export_csv, export_pdf, read_csv
from bot.i18n import CatalogError, Catalogs, Translator
from flows.diary_model import EVIDENCE_KINDS, Entry, Evidence, Forwarded
from flows.diary_patterns import patterns
from flows.signs import SIGN_IDS

ENTRIES = 500
REPEATS = 3
TARGET = 2.0  # seconds, for every PDF
NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)

PLACES = (
    "Outside my house", "Tesco car park, High Street", "At work, in reception",
    "Bus stop on Station Road", "Instagram (new account)", "WhatsApp", "My mum's house",
    "Outside the children's school, Park Lane", "Gym on Mill Street", "By text message",
    "The Red Lion pub", "Train station, platform 2", "Facebook, on my sister's post",
)
SENTENCES = (
    "He was waiting outside when I came out.",
    "He followed me to the bus stop and stood behind me without saying anything.",
    "I got 14 missed calls from a withheld number between 9pm and midnight.",
    "He left flowers on my doorstep with a card saying \"we're meant to be together\".",
    "My friend told me he has been asking about me, where I work now and who I see.",
    "He drove past slowly three times while I was walking home, then parked opposite.",
    "A new account sent me a message request: it was him again, with a photo of my car.",
    "He turned up at my work and asked reception what time I finish.",
    "Someone let my tyres down overnight; I think it was him because of what he said last week.",
    "He told my sister I would \"regret it\" if I didn't talk to him.",
    "He commented on every photo I posted today, even though I blocked his old account.",
    "When I said no, he shouted, hit the car window and said he knows where I live.",
    "I saw him across the road at the school gates, watching, for about ten minutes.",
    "He sent a voice note crying, then another one an hour later, angry, calling me names.",
)
WHO = (
    "My ex-partner, Daniel", "Daniel (ex-partner)", "Ex-partner",
    "A man I don't know, about 40, grey hoodie", "Someone I used to work with",
    "Daniel's brother, Mark", "I think it was my ex",
)
FEELINGS = (
    "Scared", "Anxious, I couldn't sleep", "Shaking, I didn't want to go out",
    "Angry and upset", "Really frightened, I called my mum", "Watched", "",
)
WITNESSES = (
    "", "", "", "My neighbour, Mrs Khan, 07700 900456", "Colleague, Sam", "My sister",
    "The receptionist at work", "",
)
OTHER_SCRIPTS = (
    "His mother wrote to me: \"Nie zostawiaj go, zażółć gęślą jaźń\".",
    "He wrote in Arabic: \"سأنتظرك كل يوم أمام بيتك\".",
    "Message in Urdu: \"میں تمہیں کبھی نہیں چھوڑوں گا\".",
    "He posted in Bengali: \"আমি তোমাকে সব জায়গায় খুঁজে পাব\".",
    "His cousin said in Panjabi: \"ਉਹ ਤੈਨੂੰ ਲੱਭ ਲਵੇਗਾ\".",
)
ARABIC_SENTENCES = (
    "كان ينتظرني خارج البيت عندما خرجت.",
    "تبعني إلى محطة الحافلات ووقف خلفي دون أن يقول شيئاً.",
    "وصلتني أربع عشرة مكالمة فائتة من رقم مخفي بين التاسعة ومنتصف الليل.",
    "ترك زهوراً على الباب مع بطاقة تقول إننا سنكون معاً.",
    "جاء إلى عملي وسأل موظفة الاستقبال متى أنهي عملي.",
    "قال لأختي إنني سأندم إذا لم أتحدث معه.",
)
FILE_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def file_id(rng: random.Random) -> str:
    """A Telegram-like file id (about 70 to 90 URL-safe characters)."""
    return "AgACAgQAAxkBAAI" + "".join(rng.choices(FILE_ID_CHARS, k=rng.randint(56, 76)))


def realistic(count: int = ENTRIES, seed: int = 7, arabic: bool = False,
              quotes: bool = True) -> list[Entry]:
    """A year of incidents, some days several, oldest first by number."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    entries = []
    moment = NOW - timedelta(days=365)
    for number in range(1, count + 1):
        moment += timedelta(minutes=rng.randint(30, 2 * 24 * 60 * 365 // count))
        sentences = ARABIC_SENTENCES if arabic else SENTENCES
        what = " ".join(rng.sample(sentences, rng.choice((1, 1, 2, 2, 3, 4))))
        if rng.random() < 0.06 and quotes and not arabic:
            what += " " + rng.choice(OTHER_SCRIPTS)
        quick = rng.random() < 0.2
        evidence = tuple(
            Evidence(rng.choice(EVIDENCE_KINDS), file_id(rng),
                     "screenshot.pdf" if rng.random() < 0.1 else "")
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))
        )
        forwarded = None
        if rng.random() < 0.15:
            forwarded = Forwarded(moment - timedelta(minutes=rng.randint(1, 600)),
                                  f"{rng.getrandbits(256):064x}", rng.choice(("Daniel", "")))
        entries.append(Entry(
            number=number,
            created_at=moment + timedelta(minutes=rng.randint(5, 600)),
            happened_at=None if quick or rng.random() < 0.05 else moment,
            where="" if quick else rng.choice(PLACES),
            what=what,
            who="" if quick else rng.choice(WHO),
            signs=() if quick else tuple(rng.sample(SIGN_IDS, rng.choice((1, 1, 2, 3)))),
            feel="" if quick else rng.choice(FEELINGS),
            witnesses="" if quick else rng.choice(WITNESSES),
            evidence=evidence,
            forwarded=forwarded,
            quick=quick,
        ))
    return entries


def best_of(run: Callable[[], bytes], repeats: int = REPEATS) -> tuple[float, bytes]:
    """The fastest of several runs, in seconds, and what it made."""
    best, made = float("inf"), b""
    for _ in range(repeats):
        start = time.perf_counter()
        made = run()
        best = min(best, time.perf_counter() - start)
    return best, made


def translator(catalogs: Catalogs | None, lang: str) -> Translator:
    """The shipped translator, or an untranslated one when catalogs are not compiled."""
    return catalogs.translator(lang) if catalogs else Translator(lang, NullTranslations())


def main() -> None:
    """Print the figures."""
    try:
        catalogs: Catalogs | None = Catalogs()
    except CatalogError:
        catalogs = None
    english = realistic()
    runs = (
        ("English, some quotes in 5 other scripts", english, "en"),
        ("English only", realistic(quotes=False), "en"),
        ("English, Arabic labels (right to left)", english, "ar"),
        ("written in Arabic, Arabic labels", realistic(arabic=True), "ar"),
    )
    print(f"Target: under {TARGET:.0f} s for each PDF.")
    for name, entries, lang in runs:
        tr = translator(catalogs, lang)
        summary = patterns(entries, NOW)
        seconds, pdf = best_of(lambda e=entries, t=tr, s=summary: export_pdf(e, s, t, NOW))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        over = "" if seconds < TARGET else f" - OVER the {TARGET:.0f} s target"
        print(f"PDF, {len(entries)} incidents, {name}: {seconds:.2f} s best of {REPEATS}"
              f"{over}, {len(pdf) / 1024:.0f} KB, {pages} pages")
    seconds, data = best_of(lambda: export_csv(english))
    if read_csv(data) != english:
        raise RuntimeError("the CSV did not read back the same")
    print(f"CSV, {len(english)} incidents: {seconds * 1000:.1f} ms best of {REPEATS}, "
          f"{len(data) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
