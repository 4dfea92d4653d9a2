"""The helplines directory: the shipped file, validation, opening status and extraction."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from babel.messages.extract import extract

from flows.services import (
    DEFAULT_SERVICES_FILE,
    UK,
    Directory,
    ServicesFileError,
    is_bank_holiday,
    load_services,
    opening_status,
    weekly_hours,
)
from flows.services_extract import extract_services


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_services(DEFAULT_SERVICES_FILE)


@pytest.fixture(scope="module")
def nsh(directory):
    return directory.get("national_stalking_helpline")


def uk(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UK)


# --- the shipped file ------------------------------------------------------------------------


def test_shipped_file_lists_the_services_in_order(directory):
    assert directory.ids == (
        "emergency",
        "national_stalking_helpline",
        "paladin",
        "west_midlands_stalking_service",
        "unwanted_prisoner_contact",
    )
    assert len(directory) == 5
    assert [service.id for service in directory] == list(directory.ids)


def test_shipped_numbers(directory):
    emergency = directory.get("emergency")
    assert (emergency.phone, emergency.non_emergency_phone) == ("999", "101")
    assert emergency.hours == ()
    assert directory.get("national_stalking_helpline").phone == "0808 802 0300"
    assert directory.get("west_midlands_stalking_service").phone == "0121 553 0090"
    upc = directory.get("unwanted_prisoner_contact")
    assert upc.phone == "0300 060 6699"
    assert upc.email == "unwantedprisonercontact@justice.gov.uk"


def test_paladin_has_the_corrected_number_and_records_the_old_one(directory):
    paladin = directory.get("paladin")
    assert paladin.phone == "020 3866 4107"
    assert "020 7840 8960" in paladin.checked.where
    assert "2015" in paladin.checked.where
    assert "arun.gov.uk/stalking" in paladin.checked.where
    assert paladin.bank_holidays == "unknown"


def test_shipped_nsh_hours_and_bank_holidays(nsh):
    assert nsh.provider == "Suzy Lamplugh Trust"
    assert nsh.bank_holidays == "closed"
    by_day = {day: (h.opens, h.closes) for h in nsh.hours for day in h.days}
    assert by_day == {
        0: (time(9, 30), time(16, 0)),
        1: (time(9, 30), time(16, 0)),
        2: (time(9, 30), time(20, 0)),
        3: (time(9, 30), time(16, 0)),
        4: (time(9, 30), time(16, 0)),
    }


def test_shipped_west_midlands_areas(directory):
    service = directory.get("west_midlands_stalking_service")
    assert service.areas == (
        "Sandwell",
        "Solihull",
        "Birmingham",
        "Dudley",
        "Walsall",
        "Wolverhampton",
        "Coventry",
    )
    assert service.bank_holidays == "unknown"  # the default when the file says nothing


def test_every_shipped_service_says_where_its_facts_come_from(directory):
    for service in directory:
        assert service.checked.where
        assert isinstance(service.checked.on, date)
        assert service.about


def test_directory_get_unknown_id_raises_key_error(directory):
    with pytest.raises(KeyError):
        directory.get("samaritans")


# --- validation ------------------------------------------------------------------------------

REQUIRED = """
[[service]]
id = "emergency"
name = "Police emergency"
phone = "999"
about = "Call 999."
checked = { on = "2026-11-28", where = "the leaflet" }

[[service]]
id = "national_stalking_helpline"
name = "National Stalking Helpline"
phone = "0808 802 0300"
about = "Advice."
checked = { on = "2026-11-28", where = "the leaflet" }
"""

THIRD = {
    "id": '"paladin"',
    "name": '"Paladin"',
    "phone": '"020 3866 4107"',
    "about": '"Helps."',
    "checked": '{ on = "2026-11-28", where = "arun.gov.uk/stalking" }',
}

HOURS = """
[[service.hours]]
days = ["mon", "tue"]
opens = "09:00"
closes = "16:00"
"""


def third(hours="", **changes):
    """The third service's TOML: THIRD with keys changed (raw TOML) or removed (None)."""
    fields = {**THIRD, **changes}
    lines = [f"{key} = {value}" for key, value in fields.items() if value is not None]
    return "\n[[service]]\n" + "\n".join(lines) + "\n" + hours


def hours_table(**changes):
    fields = {"days": '["mon", "tue"]', "opens": '"09:00"', "closes": '"16:00"', **changes}
    lines = [f"{key} = {value}" for key, value in fields.items() if value is not None]
    return "\n[[service.hours]]\n" + "\n".join(lines) + "\n"


def load_text(tmp_path, text):
    path = tmp_path / "services.toml"
    path.write_text(text, encoding="utf-8")
    return load_services(path)


def test_a_valid_file_with_every_kind_of_value_loads(tmp_path):
    text = REQUIRED + third(
        hours=HOURS + hours_table(days='["sat"]', opens='"10:00"', closes='"12:00"'),
        phone='"116 123"',
        website='"https://www.paladinservice.co.uk/contact"',
        email='"info@paladinservice.co.uk"',
        areas='["Sandwell"]',
        bank_holidays='"open"',
        checked='{ on = 2026-11-28, where = "a TOML date works too" }',
    )
    service = load_text(tmp_path, text).get("paladin")
    assert service.phone == "116 123"
    assert service.areas == ("Sandwell",)
    assert service.checked.on == date(2026, 11, 28)
    assert [sorted(h.days) for h in service.hours] == [[0, 1], [5]]


def test_split_hours_on_one_day_are_allowed(tmp_path):
    text = REQUIRED + third(
        hours=hours_table(closes='"12:00"') + hours_table(opens='"13:00"'),
    )
    service = load_text(tmp_path, text).get("paladin")
    assert weekly_hours(service) == [
        ((0, 1), time(9), time(12)),
        ((0, 1), time(13), time(16)),
    ]
    lunchtime = opening_status(service, uk(2026, 11, 30, 12, 30))
    assert lunchtime.kind == "closed"
    assert lunchtime.next_open == uk(2026, 11, 30, 13)


ENTRY = 'service "paladin"'
INVALID = [
    pytest.param(REQUIRED + third(id=None), "service 3", "id is missing", id="missing id"),
    pytest.param(
        REQUIRED + third(id='"Paladin"'),
        "service 3",
        'id "Paladin" must be lowercase letters, digits and underscores',
        id="invalid id",
    ),
    pytest.param(REQUIRED + third(id="3"), "service 3", "id 3 must be", id="id not text"),
    pytest.param(
        REQUIRED + third(id='"emergency"'),
        "service 3",
        'id "emergency" is already used by service 1',
        id="duplicate id",
    ),
    pytest.param(REQUIRED + third(name=None), ENTRY, "name is missing", id="missing name"),
    pytest.param(REQUIRED + third(name='"  "'), ENTRY, "name must be non-empty", id="blank name"),
    pytest.param(REQUIRED + third(about=None), ENTRY, "about is missing", id="missing about"),
    pytest.param(REQUIRED + third(about="1"), ENTRY, "about must be non-empty text", id="about"),
    pytest.param(
        REQUIRED + third(phnoe='"0808 802 0300"'), ENTRY, 'unknown key "phnoe"', id="typo key"
    ),
    pytest.param(
        REQUIRED + third(phone='"abc"'),
        ENTRY,
        'phone "abc" is not a UK phone number',
        id="phone letters",
    ),
    pytest.param(
        REQUIRED + third(phone='"+44 20 3866 4107"'),
        ENTRY,
        'phone "+44 20 3866 4107" is not a UK phone number',
        id="phone +44",
    ),
    pytest.param(
        REQUIRED + third(phone='"020 3866"'), ENTRY, "is not a UK phone number", id="phone short"
    ),
    pytest.param(
        REQUIRED + third(phone='"020  3866 4107"'),
        ENTRY,
        "is not a UK phone number",
        id="phone double space",
    ),
    pytest.param(
        REQUIRED + third(phone='"0808 802 0300 1"'),
        ENTRY,
        "is not a UK phone number",
        id="phone long",
    ),
    pytest.param(
        REQUIRED + third(non_emergency_phone='"1O1"'),
        ENTRY,
        'non_emergency_phone "1O1" is not a UK phone number',
        id="non-emergency phone",
    ),
    pytest.param(
        REQUIRED + third(website='"paladin service"'),
        ENTRY,
        'website "paladin service" is not a web address',
        id="website",
    ),
    pytest.param(
        REQUIRED + third(email='"info.paladinservice.co.uk"'),
        ENTRY,
        'email "info.paladinservice.co.uk" is not an email address',
        id="email",
    ),
    pytest.param(
        REQUIRED + third(areas='"Sandwell"'), ENTRY, "areas must be a list", id="areas not list"
    ),
    pytest.param(
        REQUIRED + third(areas='["Sandwell", 2]'),
        ENTRY,
        "each of areas must be non-empty text, not 2",
        id="areas item",
    ),
    pytest.param(
        REQUIRED + third() + 'hours = "9-5"\n', ENTRY, "hours must be one or more", id="hours text"
    ),
    pytest.param(
        REQUIRED + third() + "hours = []\n", ENTRY, "hours must be one or more", id="hours empty"
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(days='["monday"]')),
        ENTRY,
        'hours 1: day "monday" must be one of mon, tue, wed, thu, fri, sat, sun',
        id="day name",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(days="[]")),
        ENTRY,
        "hours 1: days must be a non-empty list",
        id="days empty",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(days=None)),
        ENTRY,
        "hours 1: days must be a non-empty list",
        id="days missing",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(days='["mon", "mon"]')),
        ENTRY,
        'hours 1: day "mon" is listed twice',
        id="day twice",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(opens='"9:30"')),
        ENTRY,
        'hours 1: opens "9:30" must be a 24-hour time written "HH:MM"',
        id="time format",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(closes='"24:00"')),
        ENTRY,
        'hours 1: closes "24:00" must be a 24-hour time',
        id="time range",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(opens="09:00:00")),
        ENTRY,
        "hours 1: opens",
        id="toml time",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(closes=None)),
        ENTRY,
        "hours 1: closes is missing",
        id="closes missing",
    ),
    pytest.param(
        REQUIRED + third(hours=HOURS + hours_table(opens='"16:00"', closes='"09:30"')),
        ENTRY,
        "hours 2: opens 16:00 must be before closes 09:30",
        id="opens after closes",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(opens='"16:00"')),
        ENTRY,
        "hours 1: opens 16:00 must be before closes 16:00",
        id="opens equals closes",
    ),
    pytest.param(
        REQUIRED + third(hours=hours_table(open='"09:00"')),
        ENTRY,
        'hours 1: unknown key "hours.open"',
        id="hours typo",
    ),
    pytest.param(
        REQUIRED
        + third(hours=HOURS + hours_table(days='["tue"]', opens='"15:00"', closes='"17:00"')),
        ENTRY,
        "hours overlap on tue: 09:00-16:00 and 15:00-17:00",
        id="overlap",
    ),
    pytest.param(
        REQUIRED + third(bank_holidays='"sometimes"'),
        ENTRY,
        'bank_holidays "sometimes" must be one of "closed", "open", "unknown"',
        id="bank holidays",
    ),
    pytest.param(REQUIRED + third(checked=None), ENTRY, "checked is missing", id="checked missing"),
    pytest.param(
        REQUIRED + third(checked='"2026-11-28"'),
        ENTRY,
        "checked must be a table",
        id="checked not table",
    ),
    pytest.param(
        REQUIRED + third(checked='{ where = "leaflet" }'),
        ENTRY,
        "checked.on is missing",
        id="checked.on missing",
    ),
    pytest.param(
        REQUIRED + third(checked='{ on = "2026-11-28" }'),
        ENTRY,
        "checked.where is missing",
        id="checked.where missing",
    ),
    pytest.param(
        REQUIRED + third(checked='{ on = "28/11/2026", where = "leaflet" }'),
        ENTRY,
        'checked.on "28/11/2026" is not a date written "YYYY-MM-DD"',
        id="checked.on format",
    ),
    pytest.param(
        REQUIRED + third(checked='{ on = "2026-02-30", where = "leaflet" }'),
        ENTRY,
        'checked.on "2026-02-30" is not a date',
        id="checked.on impossible",
    ),
    pytest.param(
        REQUIRED + third(checked='{ on = "2026-11-28", where = "leaflet", by = "me" }'),
        ENTRY,
        'unknown key "checked.by"',
        id="checked typo",
    ),
    pytest.param(
        REQUIRED + third(id='"Bad Id"', phone='"abc"'),
        "service 3",
        "id",
        id="entry without valid id is named by position",
    ),
]


@pytest.mark.parametrize(("text", "entry", "problem"), INVALID)
def test_invalid_entries_are_refused_naming_file_entry_and_problem(tmp_path, text, entry, problem):
    with pytest.raises(ServicesFileError) as caught:
        load_text(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'services.toml'}: {entry}: ")
    assert problem in message
    assert caught.value.entry == entry


FILE_PROBLEMS = [
    pytest.param("", "no services", id="empty file"),
    pytest.param("title = 'x'\n" + REQUIRED, 'unknown top-level key "title"', id="top-level key"),
    pytest.param("service = 3\n", "no services", id="service not tables"),
    pytest.param(
        REQUIRED.replace('id = "emergency"', 'id = "police"'),
        'the required service "emergency" is missing',
        id="no emergency",
    ),
    pytest.param(
        REQUIRED.replace('id = "national_stalking_helpline"', 'id = "helpline"'),
        'the required service "national_stalking_helpline" is missing',
        id="no helpline",
    ),
]


@pytest.mark.parametrize(("text", "problem"), FILE_PROBLEMS)
def test_file_level_problems_are_refused(tmp_path, text, problem):
    with pytest.raises(ServicesFileError) as caught:
        load_text(tmp_path, text)
    assert str(caught.value) == f"{tmp_path / 'services.toml'}: {caught.value.problem}"
    assert problem in caught.value.problem
    assert "\n" not in str(caught.value)


def test_toml_syntax_error_names_the_line(tmp_path):
    text = REQUIRED + '\n[[service]]\nid = "paladin"\nname = "Paladin\n'
    broken_line = text.splitlines().index('name = "Paladin') + 1
    with pytest.raises(ServicesFileError) as caught:
        load_text(tmp_path, text)
    assert "not valid TOML" in str(caught.value)
    assert f"line {broken_line}" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_is_refused(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ServicesFileError, match="cannot read the file") as caught:
        load_services(path)
    assert str(caught.value).startswith(str(path))


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "services.toml"
    path.write_bytes(REQUIRED.encode("utf-8") + b"\n# caf\xe9\n")
    with pytest.raises(ServicesFileError, match="not UTF-8"):
        load_services(path)


def test_services_file_error_is_a_value_error():
    assert issubclass(ServicesFileError, ValueError)


# --- bank holidays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 25), True),  # Christmas Day, a Friday
        (date(2026, 12, 28), True),  # Boxing Day falls on Saturday: substitute Monday
        (date(2026, 12, 29), False),
        (date(2026, 4, 3), True),  # Good Friday
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 4, 7), False),
        (date(2031, 8, 25), True),  # a far year: the library adds years as they are asked for
    ],
)
def test_is_bank_holiday(day, expected):
    assert is_bank_holiday(day) is expected


# --- opening status --------------------------------------------------------------------------


def test_monday_morning_open_until_four(nsh):
    status = opening_status(nsh, uk(2026, 11, 30, 10))
    assert status.kind == "open"
    assert status.closes_at == time(16, 0)
    assert status.next_open is None
    assert status.bank_holiday_today is False


def test_opening_minute_is_open_and_closing_minute_is_closed(nsh):
    assert opening_status(nsh, uk(2026, 11, 30, 9, 30)).kind == "open"
    assert opening_status(nsh, uk(2026, 11, 30, 9, 29)).kind == "closed"
    assert opening_status(nsh, uk(2026, 11, 30, 16, 0)).kind == "closed"


def test_monday_before_opening_opens_later_today(nsh):
    status = opening_status(nsh, uk(2026, 11, 30, 8))
    assert status.kind == "closed"
    assert status.next_open == uk(2026, 11, 30, 9, 30)


def test_monday_after_closing_opens_tuesday(nsh):
    status = opening_status(nsh, uk(2026, 11, 30, 16, 30))
    assert status.kind == "closed"
    assert status.closes_at is None
    assert status.next_open == uk(2026, 12, 1, 9, 30)
    assert status.next_open.weekday() == 1


def test_wednesday_evening_open_until_eight(nsh):
    status = opening_status(nsh, uk(2026, 12, 2, 19))
    assert status.kind == "open"
    assert status.closes_at == time(20, 0)


def test_wednesday_after_eight_opens_thursday(nsh):
    status = opening_status(nsh, uk(2026, 12, 2, 20, 30))
    assert status.kind == "closed"
    assert status.next_open == uk(2026, 12, 3, 9, 30)


def test_friday_evening_opens_monday(nsh):
    status = opening_status(nsh, uk(2026, 12, 4, 17))
    assert status.kind == "closed"
    assert status.next_open == uk(2026, 12, 7, 9, 30)
    assert status.next_open.weekday() == 0


def test_christmas_day_closed_until_after_the_boxing_day_substitute(nsh):
    christmas = uk(2026, 12, 25, 10)
    assert christmas.weekday() == 4  # a Friday, when the helpline would otherwise be open
    status = opening_status(nsh, christmas)
    assert status.kind == "closed"
    assert status.bank_holiday_today is True
    assert status.next_open == uk(2026, 12, 29, 9, 30)


def test_easter_monday_closed_until_tuesday(nsh):
    status = opening_status(nsh, uk(2026, 4, 6, 10))
    assert status.kind == "closed"
    assert status.bank_holiday_today is True
    assert status.next_open == uk(2026, 4, 7, 9, 30)


def test_thursday_before_easter_skips_good_friday_weekend_and_easter_monday(nsh):
    status = opening_status(nsh, uk(2026, 4, 2, 17))
    assert status.next_open == uk(2026, 4, 7, 9, 30)


def test_utc_time_in_summer_is_converted_to_uk_time(nsh):
    now = datetime(2026, 7, 1, 8, 45, tzinfo=UTC)  # 09:45 British Summer Time
    status = opening_status(nsh, now)
    assert status.kind == "open"
    assert status.closes_at == time(20, 0)  # 1 July 2026 is a Wednesday
    # The same wall-clock time in UTC in winter is before opening.
    assert opening_status(nsh, datetime(2026, 12, 2, 9, 15, tzinfo=UTC)).kind == "closed"


def test_next_open_is_in_uk_time_with_the_summer_offset(nsh):
    status = opening_status(nsh, datetime(2026, 6, 29, 15, 30, tzinfo=UTC))  # 16:30 BST
    assert status.kind == "closed"
    assert status.next_open == datetime(2026, 6, 30, 8, 30, tzinfo=UTC)
    assert status.next_open.tzinfo == UK
    assert status.next_open.utcoffset() == timedelta(hours=1)


def test_a_time_just_after_midnight_utc_is_the_uk_day(nsh):
    # 23:30 UTC on Tuesday 30 June is 00:30 on Wednesday 1 July in the UK.
    status = opening_status(nsh, datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert status.next_open == uk(2026, 7, 1, 9, 30)


def test_unknown_bank_holiday_policy_follows_the_hours_but_flags_the_day(directory):
    upc = directory.get("unwanted_prisoner_contact")
    status = opening_status(upc, uk(2026, 12, 25, 10))
    assert status.kind == "open"
    assert status.closes_at == time(16, 0)
    assert status.bank_holiday_today is True
    assert opening_status(upc, uk(2026, 12, 29, 10)).bank_holiday_today is False


def test_emergency_is_always_open(directory):
    emergency = directory.get("emergency")
    for now in (uk(2026, 12, 25, 3), uk(2026, 11, 29, 23, 59)):
        status = opening_status(emergency, now)
        assert status.kind == "always"
        assert status.closes_at is None
        assert status.next_open is None


def test_service_without_hours_is_unknown(directory):
    status = opening_status(directory.get("paladin"), uk(2026, 11, 30, 10))
    assert status.kind == "unknown"
    assert status.next_open is None


def test_naive_datetime_is_rejected(nsh):
    with pytest.raises(ValueError, match="timezone-aware"):
        opening_status(nsh, datetime(2026, 11, 30, 10))


def test_next_open_is_searched_for_two_weeks_at_most(tmp_path):
    # Open on Fridays only and closed on bank holidays: Christmas Day and New Year's Day 2026/27
    # are both Fridays, so after Friday 18 December the next opening is Friday 8 January.
    text = REQUIRED + third(hours=hours_table(days='["fri"]'), bank_holidays='"closed"')
    fridays_only = load_text(tmp_path, text).get("paladin")
    assert [is_bank_holiday(date(2026, 12, 25)), is_bank_holiday(date(2027, 1, 1))] == [True, True]
    assert opening_status(fridays_only, uk(2026, 12, 25, 10)).next_open == uk(2027, 1, 8, 9)
    status = opening_status(fridays_only, uk(2026, 12, 18, 17))
    assert status.kind == "closed"
    assert status.next_open is None


# --- weekly hours ----------------------------------------------------------------------------


def test_weekly_hours_nsh(nsh):
    assert weekly_hours(nsh) == [
        ((0, 1), time(9, 30), time(16, 0)),
        ((2,), time(9, 30), time(20, 0)),
        ((3, 4), time(9, 30), time(16, 0)),
    ]


def test_weekly_hours_upc(directory):
    assert weekly_hours(directory.get("unwanted_prisoner_contact")) == [
        ((0, 1, 2, 3, 4), time(9, 0), time(16, 0)),
    ]


def test_weekly_hours_without_hours_is_empty(directory):
    assert weekly_hours(directory.get("emergency")) == []


def test_weekly_hours_breaks_runs_at_missing_days_and_starts_on_monday(tmp_path):
    text = REQUIRED + third(
        hours=hours_table(days='["sun", "mon", "wed", "thu"]')
        + hours_table(days='["sat"]', opens='"10:00"', closes='"12:00"'),
    )
    service = load_text(tmp_path, text).get("paladin")
    assert weekly_hours(service) == [
        ((0,), time(9), time(16)),
        ((2, 3), time(9), time(16)),
        ((5,), time(10), time(12)),
        ((6,), time(9), time(16)),
    ]


# --- translation extraction ------------------------------------------------------------------


def test_extractor_yields_every_about_with_its_line(directory):
    data = DEFAULT_SERVICES_FILE.read_bytes()
    lines = data.decode("utf-8").splitlines()
    found = list(extract_services(io.BytesIO(data), [], [], {}))
    assert [about for _, _, about, _ in found] == [service.about for service in directory]
    for (lineno, funcname, about, comments), service in zip(found, directory, strict=True):
        assert funcname is None
        assert lines[lineno - 1].startswith("about =")
        assert about in lines[lineno - 1]
        assert comments == [f"Description of the service: {service.name}"]


def test_extractor_finds_the_service_about_not_a_later_tables(tmp_path):
    text = (
        '# about = "not this"\n'
        "[[service]]\n"
        'id = "a"\n'
        '"about" = """Two\n'
        'lines."""\n'
        "[[service.hours]]\n"
        'days = ["mon"]\n'
        "[[service]]\n"
        'id = "b"\n'
        "  about   =   'Indented.'\n"
    )
    found = list(extract_services(io.BytesIO(text.encode()), [], [], {}))
    assert [(lineno, about) for lineno, _, about, _ in found] == [
        (4, "Two\nlines."),
        (10, "Indented."),
    ]
    assert found[0][3] == ["Description of the service: a"]


def test_babel_extract_uses_the_extractor():
    with DEFAULT_SERVICES_FILE.open("rb") as fileobj:
        messages = list(extract(extract_services, fileobj))
    abouts = [message for _, message, _, _ in messages]
    assert "Advice and support for anyone affected by stalking." in abouts
    assert all(
        comments[0].startswith("Description of the service: ") for _, _, comments, _ in messages
    )
