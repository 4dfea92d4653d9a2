"""Make sure bot/fonts/ holds the Noto fonts the diary export draws with.

    python -m tools.fonts    # `make run`, `make test` and `make bench` run this first

The fonts (SIL Open Font License) are not committed. They are copied from the system's
Noto fonts when installed (/usr/share/fonts/truetype/noto/), else taken from Debian's
`fonts-noto-core` package: `apt-get download` into a temporary directory, `dpkg-deb -x`,
and only the files below are kept. When every file is present this does nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = ROOT / "bot" / "fonts"
SYSTEM_DIR = Path("/usr/share/fonts/truetype/noto")
PACKAGE = "fonts-noto-core"
PACKAGE_DIR = Path("usr/share/fonts/truetype/noto")  # inside the package
TIMEOUT = 120  # seconds for each of apt-get and dpkg-deb

FONTS: tuple[str, ...] = (
    "NotoSans-Regular.ttf",  # Latin (English, Welsh, Polish, Romanian, Portuguese, Spanish)
    "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular.ttf",  # Arabic
    # Urdu: Naskh, not Nastaliq. fpdf2 draws Noto Nastaliq Urdu well, but gives the extra
    # glyphs it shapes into (dots, joins) no text behind them, so Urdu copied out of the PDF
    # comes with stray characters; and its tall letters need nearly twice Latin's line height.
    "NotoNaskhArabic-Regular.ttf",
    "NotoSansBengali-Regular.ttf",  # Bengali
    "NotoSansGurmukhi-Regular.ttf",  # Panjabi
)


class FontsError(RuntimeError):
    """The fonts cannot be found or fetched."""


def missing(directory: Path = FONT_DIR) -> list[str]:
    """The font files not yet in the directory."""
    return [name for name in FONTS if not (directory / name).is_file()]


def copy_from(source: Path, names: Iterable[str], directory: Path) -> list[str]:
    """Copy the named fonts found in `source`; returns the ones copied."""
    copied = []
    for name in names:
        if (source / name).is_file():
            # Through a temporary name, so an interrupted copy never looks like a font.
            partial = directory / f".{name}.part"
            shutil.copyfile(source / name, partial)
            partial.replace(directory / name)
            copied.append(name)
    return copied


def from_package(names: list[str], directory: Path) -> list[str]:
    """Fetch Debian's fonts-noto-core and copy the named fonts out of it."""
    apt, dpkg = shutil.which("apt-get"), shutil.which("dpkg-deb")
    if not apt or not dpkg:
        raise FontsError(
            f"{', '.join(names)} missing, no {SYSTEM_DIR} and no apt-get/dpkg-deb to fetch "
            f"{PACKAGE}; install {PACKAGE} or copy the files into {directory}"
        )
    with tempfile.TemporaryDirectory(prefix="noto-") as tmp:
        work = Path(tmp)
        run([apt, "download", "-q", PACKAGE], work)
        debs = sorted(work.glob(f"{PACKAGE}_*.deb"))
        if not debs:
            raise FontsError(f"apt-get download {PACKAGE} produced no package")
        run([dpkg, "-x", str(debs[-1]), str(work / "root")], work)
        return copy_from(work / "root" / PACKAGE_DIR, names, directory)


def run(command: list[str], cwd: Path) -> None:
    """Run a command; its last line of error becomes a FontsError."""
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise FontsError(f"{Path(command[0]).name} failed: {error}") from error
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise FontsError(f"{Path(command[0]).name} {command[1]} failed: {reason}")


def ensure(directory: Path = FONT_DIR, system: Path = SYSTEM_DIR) -> list[str]:
    """Fill `directory` with every font; returns the names it had to add."""
    needed = missing(directory)
    if not needed:
        return []
    directory.mkdir(parents=True, exist_ok=True)
    added = copy_from(system, needed, directory) if system.is_dir() else []
    still = [name for name in needed if name not in added]
    if still:
        added += from_package(still, directory)
    if left := missing(directory):
        raise FontsError(f"{', '.join(left)} not found in {system} nor in {PACKAGE}")
    return added


def main() -> int:
    """Fetch what is missing; a one-line error and exit status 1 if it cannot."""
    try:
        added = ensure()
    except (FontsError, OSError) as error:
        print(f"fonts: {error}", file=sys.stderr)
        return 1
    if added:
        print(f"fonts: added {len(added)} to {FONT_DIR.relative_to(ROOT)}: {', '.join(added)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
