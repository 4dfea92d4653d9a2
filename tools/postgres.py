"""A throwaway PostgreSQL server for the tests and benchmarks: `python -m tools.postgres`.

`ensure` installs PostgreSQL with apt where it is missing (as root), creates a private
cluster in a temporary directory, starts it on 127.0.0.1 and prints its URL; run again,
it finds the server already up. `fresh NAME` makes an empty database NAME on it (for the
throughput benchmark) and prints its URL. `stop` stops the server. The cluster trusts
local connections and listens on loopback only: it is for tests, never for a deployment.

Settings: TEST_PG_PORT (default 55432) and TEST_PG_DIR (default /tmp/stalking-bot-pg-PORT).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

DATABASE = "stalking_bot_test"
SUPERUSER = "postgres"
DEFAULT_PORT = 55432


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL cannot be found, installed or started here."""


def port() -> int:
    """The port of the test server."""
    return int(os.environ.get("TEST_PG_PORT", DEFAULT_PORT))


def cluster_dir() -> Path:
    """Where the test cluster lives."""
    return Path(os.environ.get("TEST_PG_DIR", f"/tmp/stalking-bot-pg-{port()}"))  # noqa: S108 - a private 0700 directory of a test server


def url() -> str:
    """The test database's URL."""
    return f"postgresql://{SUPERUSER}@127.0.0.1:{port()}/{DATABASE}"


def bindir() -> Path | None:
    """The directory of initdb, pg_ctl and postgres, newest version first."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def install() -> Path:
    """Install PostgreSQL with apt (root only) and return its bin directory."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise PostgresUnavailableError(
            "PostgreSQL is not installed: install the 'postgresql' package "
            "(version 15 or newer), or set TEST_DATABASE_URL to a server of yours"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607 - apt from PATH
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],  # noqa: S607 - apt from PATH
        check=True, env=env,
    )
    found = bindir()
    if found is None:
        raise PostgresUnavailableError("apt installed PostgreSQL but initdb is not there")
    return found


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _psql(bin_path: Path, sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        [str(bin_path / "psql") if (bin_path / "psql").exists() else "psql",
         "-h", "127.0.0.1", "-p", str(port()), "-U", SUPERUSER, "-d", database,
         "-tA", "-c", sql],
        check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


def _running(bin_path: Path) -> bool:
    ready = bin_path / "pg_isready"
    command = [str(ready) if ready.exists() else "pg_isready", "-q", "-h", "127.0.0.1",
               "-p", str(port())]
    return subprocess.run(command, check=False).returncode == 0


def ensure() -> str:
    """Start the test server if it is not running; return the test database's URL."""
    bin_path = bindir() or install()
    data = cluster_dir()
    if not _running(bin_path):
        if not (data / "PG_VERSION").exists():
            _init(bin_path, data)
        log = data.parent / f"{data.name}.log"
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(log, "postgres")
        subprocess.run(
            _as_owner([
                str(bin_path / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                "-o", f"-p {port()} -c listen_addresses=127.0.0.1 -k {data} "
                "-c fsync=off -c max_connections=200",
                "start",
            ]),
            check=True, stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not _running(bin_path):
            if time.monotonic() > deadline:
                raise PostgresUnavailableError(f"PostgreSQL did not start; see {log}")
            time.sleep(0.2)
    if _psql(bin_path, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") != "1":  # noqa: S608 - a constant name
        _psql(bin_path, f"CREATE DATABASE {DATABASE}")
    return url()


def _init(bin_path: Path, data: Path) -> None:
    """A new cluster that trusts loopback connections (a test server only)."""
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o700)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(
        _as_owner([str(bin_path / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                   "-E", "UTF8", "--no-instructions"]),
        check=True, stdout=subprocess.DEVNULL,
    )


def fresh(name: str) -> str:
    """An empty database of this name on the test server (dropped first if it exists)."""
    if not name.isidentifier():
        raise PostgresUnavailableError(f"not a database name: {name!r}")
    ensure()
    bin_path = bindir()
    assert bin_path is not None  # noqa: S101 - ensure() found or installed it
    _psql(bin_path, f"DROP DATABASE IF EXISTS {name}")
    _psql(bin_path, f"CREATE DATABASE {name}")
    return f"postgresql://{SUPERUSER}@127.0.0.1:{port()}/{name}"


def stop() -> None:
    """Stop the test server if it runs."""
    bin_path = bindir()
    if bin_path is None or not _running(bin_path):
        return
    subprocess.run(
        _as_owner([str(bin_path / "pg_ctl"), "-D", str(cluster_dir()), "-m", "fast", "stop"]),
        check=True, stdout=subprocess.DEVNULL,
    )


def main() -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m tools.postgres", description=__doc__)
    parser.add_argument("command", choices=("ensure", "fresh", "stop", "url"))
    parser.add_argument("name", nargs="?", default="bench", help="the database `fresh` makes")
    args = parser.parse_args()
    command = args.command
    try:
        if command == "ensure":
            print(ensure())
        elif command == "fresh":
            print(fresh(args.name))
        elif command == "stop":
            stop()
        else:
            print(url())
    except (PostgresUnavailableError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
