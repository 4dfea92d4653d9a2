"""The container files agree with the code: no Docker engine runs here to build them, so
what can be checked without one is checked here (README, "Deploying")."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = (ROOT / "compose.yaml").read_text()
SETTINGS_CODE = "".join(
    (ROOT / "bot" / name).read_text() for name in ("config.py", "diary_store.py")
)


def final_stage() -> str:
    return DOCKERFILE.rsplit("\nFROM ", 1)[1]


def service(name: str) -> str:
    """The lines of one compose service."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+)", COMPOSE, re.MULTILINE)
    assert match, f"no service {name} in compose.yaml"
    return match.group(1)


def test_the_image_runs_as_an_unprivileged_user():
    users = re.findall(r"^USER (\S+)", final_stage(), re.MULTILINE)
    assert users and users[-1] not in ("0", "root")
    assert "useradd --system --uid " + users[-1] in final_stage()


def test_the_image_compiles_catalogs_and_fetches_fonts_at_build_time():
    assert "python -m tools.catalogs compile" in DOCKERFILE
    assert "python -m tools.fonts" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "**/*.mo" in ignored and ".env" in ignored and "data" in ignored


def test_the_image_installs_the_projects_own_dependencies():
    assert "tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']" in DOCKERFILE
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("psycopg") for d in dependencies)


def health_check_command() -> list[str]:
    """The image's HEALTHCHECK command, as exec form."""
    match = re.search(r"^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert match, "no HEALTHCHECK ... CMD [...] in the Dockerfile"
    return json.loads(match.group(1))


def test_the_image_checks_its_health_on_the_webhook_port():
    port = re.search(r"BOT_WEBHOOK_PORT=(\d+)", DOCKERFILE).group(1)
    assert f"EXPOSE {port}" in DOCKERFILE
    assert 'CMD ["webhook"]' in DOCKERFILE
    argv = health_check_command()
    assert argv[0] == "python" and "/healthz" in argv[-1] and "BOT_WEBHOOK_PORT" in argv[-1]


def test_compose_sets_only_settings_the_bot_reads():
    names = re.findall(r"^      ([A-Z][A-Z_]+):", service("bot"), re.MULTILINE)
    assert "DATABASE_URL" in names and "BOT_DIARY_KEY" in names
    for name in names:
        assert f'"{name}"' in SETTINGS_CODE or f"{name} =" in SETTINGS_CODE, name


def test_compose_runs_postgresql_15_and_the_bot_waits_for_it():
    assert re.search(r"image: postgres:15\b", service("db"))
    bot = service("bot")
    assert "condition: service_healthy" in bot
    assert "@db:5432/" in bot
    assert "read_only: true" in bot
    assert re.search(r'- "127\.0\.0\.1:\d+(-\d+)?:8080"', bot)  # never on a public address


def test_the_readme_explains_every_secret_compose_needs():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    for name in re.findall(r"\$\{([A-Z_]+):\?", COMPOSE):
        assert name in section, name
