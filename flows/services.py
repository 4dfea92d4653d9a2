"""The helplines directory: services loaded from a TOML file, and whether each is open now.

The shipped file is `services.toml` beside this module; an operator can point the bot at their
own file (see the comment at the top of the shipped one). `load_services` checks the whole file
and raises `ServicesFileError` with a one-line message for the first problem it finds, so a
mistake stops the bot at start-up instead of showing someone a wrong number.

Opening times are UK local time (Europe/London). Bank holidays come from the `holidays`
library for England (England and Wales share their bank holidays).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, TypeAlias
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
DEFAULT_SERVICES_FILE: Path = Path(__file__).with_name("services.toml")

BankHolidays: TypeAlias = Literal["closed", "open", "unknown"]
StatusKind: TypeAlias = Literal["always", "open", "closed", "unknown"]

REQUIRED_IDS: dict[str, str] = {
    "emergency": "the bot's emergency screen shows it",
    "national_stalking_helpline": "the bot's main help screen shows it",
}
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BANK_HOLIDAY_VALUES: tuple[str, ...] = ("closed", "open", "unknown")
SEARCH_DAYS = 14

_SERVICE_KEYS = frozenset(
    {
        "id", "name", "provider", "phone", "non_emergency_phone", "email", "website",
        "areas", "hours", "bank_holidays", "about", "checked",
    }
)  # fmt: skip
_HOURS_KEYS = frozenset({"days", "opens", "closes"})
_CHECKED_KEYS = frozenset({"on", "where"})

_ID = re.compile(r"[a-z0-9_]+")
# A UK number starting with 0 (10 or 11 digits), or a short number such as 999, 101 or 116 123.
_PHONE_CHARS = re.compile(r"[0-9]+( [0-9]+)*")
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_WEBSITE = re.compile(r"(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?")
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class OpeningHours:
    """One opening period on some days of the week (0 is Monday), in UK time."""

    days: frozenset[int]
    opens: time
    closes: time


@dataclass(frozen=True)
class Checked:
    """When a service's facts were last checked, and where each comes from."""

    on: date
    where: str


@dataclass(frozen=True)
class Service:
    """One helpline or service. `about` is an English gettext msgid."""

    id: str
    name: str
    provider: str | None
    phone: str | None
    non_emergency_phone: str | None
    email: str | None
    website: str | None
    areas: tuple[str, ...]
    hours: tuple[OpeningHours, ...]
    bank_holidays: BankHolidays
    about: str
    checked: Checked


@dataclass(frozen=True)
class Directory:
    """The services in the order the file lists them."""

    services: tuple[Service, ...]

    def get(self, service_id: str) -> Service:
        """The service with this id; KeyError if there is none."""
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id, in file order."""
        return tuple(service.id for service in self.services)

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)

    def __len__(self) -> int:
        return len(self.services)


class ServicesFileError(ValueError):
    """A services file that cannot be used; str() is one line naming file, entry and problem."""

    def __init__(self, path: Path | str, problem: str, entry: str | None = None) -> None:
        self.path = str(path)
        self.entry = entry
        self.problem = problem
        parts = [self.path, entry, problem] if entry else [self.path, problem]
        super().__init__(": ".join(parts))


class _EntryError(Exception):
    """A problem inside one entry; load_services adds the file and entry names."""


# --- loading ---------------------------------------------------------------------------------


def load_services(path: Path) -> Directory:
    """Read and check a services file; raise ServicesFileError for the first problem."""
    data = _read_toml(path)
    unknown = sorted(set(data) - {"service"})
    if unknown:
        raise ServicesFileError(
            path, f"unknown top-level key {_show(unknown[0])} (only [[service]] tables belong here)"
        )
    entries = data.get("service")
    if not isinstance(entries, list) or not entries:
        raise ServicesFileError(path, "no services: add at least one [[service]] table")
    services: list[Service] = []
    first_position: dict[str, int] = {}
    for position, entry in enumerate(entries, start=1):
        service = _parse_entry(path, position, entry)
        if service.id in first_position:
            raise ServicesFileError(
                path,
                f"id {_show(service.id)} is already used by service {first_position[service.id]}",
                entry=f"service {position}",
            )
        first_position[service.id] = position
        services.append(service)
    for required, reason in REQUIRED_IDS.items():
        if required not in first_position:
            raise ServicesFileError(
                path, f"the required service {_show(required)} is missing ({reason})"
            )
    return Directory(tuple(services))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ServicesFileError(path, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise ServicesFileError(path, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ServicesFileError(path, f"not valid TOML: {exc}") from None


def _parse_entry(path: Path, position: int, entry: object) -> Service:
    label = f"service {position}"
    if not isinstance(entry, dict):
        raise ServicesFileError(path, "must be a [[service]] table", entry=label)
    raw_id = entry.get("id")
    if isinstance(raw_id, str) and _ID.fullmatch(raw_id):
        label = f"service {_show(raw_id)}"
    try:
        return _parse_service(entry)
    except _EntryError as exc:
        raise ServicesFileError(path, str(exc), entry=label) from None


def _parse_service(entry: Mapping[str, object]) -> Service:
    _no_unknown_keys(entry, _SERVICE_KEYS, "")
    return Service(
        id=_parse_id(entry.get("id")),
        name=_required_text(entry, "name"),
        provider=_optional_text(entry, "provider"),
        phone=_optional_phone(entry, "phone"),
        non_emergency_phone=_optional_phone(entry, "non_emergency_phone"),
        email=_optional_matching(entry, "email", _EMAIL, "is not an email address"),
        website=_optional_matching(entry, "website", _WEBSITE, "is not a web address"),
        areas=_parse_areas(entry.get("areas")),
        hours=_parse_hours(entry.get("hours")),
        bank_holidays=_parse_bank_holidays(entry.get("bank_holidays", "unknown")),
        about=_required_text(entry, "about"),
        checked=_parse_checked(entry.get("checked")),
    )


def _no_unknown_keys(table: Mapping[str, object], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise _EntryError(f"unknown key {_show(where + unknown[0])} (known keys: {known})")


def _parse_id(value: object) -> str:
    if value is None:
        raise _EntryError("id is missing")
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _EntryError(f"id {_show(value)} must be lowercase letters, digits and underscores")
    return value


def _required_text(entry: Mapping[str, object], key: str, label: str | None = None) -> str:
    value = entry.get(key)
    if value is None:
        raise _EntryError(f"{label or key} is missing")
    return _text(value, label or key)


def _optional_text(entry: Mapping[str, object], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else _text(value, key)


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _EntryError(f"{key} must be non-empty text, not {_show(value)}")
    return value.strip()


def _optional_phone(entry: Mapping[str, object], key: str) -> str | None:
    value = _optional_text(entry, key)
    if value is not None and not _is_uk_phone(value):
        raise _EntryError(
            f"{key} {_show(value)} is not a UK phone number "
            '(digits and single spaces, e.g. "0808 802 0300" or "999")'
        )
    return value


def _is_uk_phone(value: str) -> bool:
    if not _PHONE_CHARS.fullmatch(value):
        return False
    digits = value.replace(" ", "")
    if digits.startswith("0"):
        return len(digits) in (10, 11)
    return 3 <= len(digits) <= 6


def _optional_matching(
    entry: Mapping[str, object], key: str, pattern: re.Pattern[str], problem: str
) -> str | None:
    value = _optional_text(entry, key)
    if value is not None and not pattern.fullmatch(value):
        raise _EntryError(f"{key} {_show(value)} {problem}")
    return value


def _parse_areas(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _EntryError(f"areas must be a list of place names, not {_show(value)}")
    return tuple(_text(area, "each of areas") for area in value)


def _parse_bank_holidays(value: object) -> BankHolidays:
    if value == "closed" or value == "open" or value == "unknown":  # noqa: PLR1714 - narrows type
        return value
    choices = ", ".join(_show(choice) for choice in BANK_HOLIDAY_VALUES)
    raise _EntryError(f"bank_holidays {_show(value)} must be one of {choices}")


def _parse_checked(value: object) -> Checked:
    if value is None:
        raise _EntryError('checked is missing: add checked = { on = "YYYY-MM-DD", where = "..." }')
    if not isinstance(value, dict):
        raise _EntryError(
            f'checked must be a table {{ on = "YYYY-MM-DD", where = "..." }}, not {_show(value)}'
        )
    _no_unknown_keys(value, _CHECKED_KEYS, "checked.")
    on = value.get("on")
    if on is None:
        raise _EntryError('checked.on is missing (the date the facts were checked, "YYYY-MM-DD")')
    return Checked(on=_parse_date(on), where=_required_text(value, "where", "checked.where"))


def _parse_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        with contextlib.suppress(ValueError):  # 2026-02-31 has the shape but is no date
            return date.fromisoformat(value)
    raise _EntryError(f'checked.on {_show(value)} is not a date written "YYYY-MM-DD"')


def _parse_hours(value: object) -> tuple[OpeningHours, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise _EntryError("hours must be one or more [[service.hours]] tables")
    hours = tuple(_parse_period(period, number) for number, period in enumerate(value, start=1))
    _no_overlaps(hours)
    return hours


def _parse_period(value: object, number: int) -> OpeningHours:
    where = f"hours {number}"
    if not isinstance(value, dict):
        raise _EntryError(f"{where} must be a [[service.hours]] table")
    try:
        _no_unknown_keys(value, _HOURS_KEYS, "hours.")
        days = _parse_days(value.get("days"))
        opens = _parse_clock(value.get("opens"), "opens")
        closes = _parse_clock(value.get("closes"), "closes")
    except _EntryError as exc:
        raise _EntryError(f"{where}: {exc}") from None
    if opens >= closes:
        raise _EntryError(
            f"{where}: opens {_clock(opens)} must be before closes {_clock(closes)} "
            "(hours past midnight are not supported)"
        )
    return OpeningHours(days=days, opens=opens, closes=closes)


def _parse_days(value: object) -> frozenset[int]:
    if not isinstance(value, list) or not value:
        raise _EntryError(
            f'days must be a non-empty list such as ["mon", "tue"], not {_show(value)}'
        )
    days: set[int] = set()
    for day in value:
        if not isinstance(day, str) or day not in DAY_NAMES:
            raise _EntryError(f"day {_show(day)} must be one of {', '.join(DAY_NAMES)}")
        if DAY_NAMES.index(day) in days:
            raise _EntryError(f"day {_show(day)} is listed twice")
        days.add(DAY_NAMES.index(day))
    return frozenset(days)


def _parse_clock(value: object, key: str) -> time:
    if value is None:
        raise _EntryError(f"{key} is missing")
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _EntryError(f'{key} {_show(value)} must be a 24-hour time written "HH:MM"')
    return time(int(match.group(1)), int(match.group(2)))


def _no_overlaps(hours: tuple[OpeningHours, ...]) -> None:
    for weekday in range(7):
        periods = sorted(_periods_on(hours, weekday), key=lambda period: period.opens)
        for earlier, later in itertools.pairwise(periods):
            if later.opens < earlier.closes:
                raise _EntryError(
                    f"hours overlap on {DAY_NAMES[weekday]}: "
                    f"{_clock(earlier.opens)}-{_clock(earlier.closes)} and "
                    f"{_clock(later.opens)}-{_clock(later.closes)}"
                )


def _show(value: object) -> str:
    """A value quoted on one line, for error messages."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    return json.dumps(value, ensure_ascii=False, default=str)


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


# --- opening status --------------------------------------------------------------------------

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(day: date) -> bool:
    """Whether `day` is a bank holiday in England and Wales."""
    return day in _BANK_HOLIDAYS


@dataclass(frozen=True)
class OpenStatus:
    """Whether a service is open at a moment.

    kind: "always" (the emergency line), "open", "closed", or "unknown" (no hours known).
    closes_at: when it closes today (UK time), if open.
    next_open: the next opening moment (aware, UK time) within two weeks, if closed.
    bank_holiday_today: today (UK date) is an England and Wales bank holiday. For a service
        whose bank_holidays is "unknown" the screen should warn that it may be closed.
    """

    kind: StatusKind
    closes_at: time | None
    next_open: datetime | None
    bank_holiday_today: bool


def opening_status(service: Service, now: datetime) -> OpenStatus:
    """Whether `service` is open at `now` (timezone-aware; converted to UK time)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("opening_status needs a timezone-aware datetime")
    local = now.astimezone(UK)
    bank_holiday = is_bank_holiday(local.date())
    if not service.hours:
        kind: StatusKind = "always" if service.id == "emergency" else "unknown"
        return OpenStatus(kind, closes_at=None, next_open=None, bank_holiday_today=bank_holiday)
    if _opens_on(service, local.date()):
        for period in _periods_on(service.hours, local.weekday()):
            if period.opens <= local.time() < period.closes:
                return OpenStatus("open", period.closes, None, bank_holiday)
    return OpenStatus("closed", None, _next_opening(service, local), bank_holiday)


def _opens_on(service: Service, day: date) -> bool:
    """False on a bank holiday when the service closes on bank holidays."""
    return not (service.bank_holidays == "closed" and is_bank_holiday(day))


def _periods_on(hours: tuple[OpeningHours, ...], weekday: int) -> list[OpeningHours]:
    return sorted((p for p in hours if weekday in p.days), key=lambda p: p.opens)


def _next_opening(service: Service, local: datetime) -> datetime | None:
    for offset in range(SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if not _opens_on(service, day):
            continue
        for period in _periods_on(service.hours, day.weekday()):
            moment = datetime.combine(day, period.opens, tzinfo=UK)
            if moment > local:
                return moment
    return None


def weekly_hours(service: Service) -> list[tuple[tuple[int, ...], time, time]]:
    """Hours for display: runs of consecutive days (Monday first) with the same times.

    A run of days with a break in the day gives one row per period, e.g. Mon-Fri 09:00-12:00
    and Mon-Fri 13:00-16:00.
    """
    rows: list[tuple[tuple[int, ...], time, time]] = []
    run: list[int] = []
    run_times: list[tuple[time, time]] = []
    for weekday in range(7):
        times = [(p.opens, p.closes) for p in _periods_on(service.hours, weekday)]
        if run and times == run_times:
            run.append(weekday)
            continue
        rows.extend((tuple(run), opens, closes) for opens, closes in run_times)
        run, run_times = ([weekday] if times else []), times
    rows.extend((tuple(run), opens, closes) for opens, closes in run_times)
    return rows
