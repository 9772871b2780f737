"""Live collection: collect and process in a background thread while the app serves."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import DragomanError
from ..pipeline import collect, collect_feeds, open_workspace, process
from ..settings import Settings

log = logging.getLogger("dragoman.web.live")

INBOX = "inbox"  # a folder of the workspace that is always watched when it exists
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)", re.IGNORECASE)
_UNIT = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as 90s, 15m, 1h or 1h30m (a bare number is seconds)."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise DragomanError("the duration is empty; write it like 90s, 15m or 1h")
    pos, total = 0, 0.0
    for match in _PART.finditer(cleaned):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT[match.group(2)]
        pos = match.end()
    if pos != len(cleaned):
        raise DragomanError(f"{text!r} is not a duration; write it like 90s, 15m, 1h or 1h30m")
    if total <= 0:
        raise DragomanError(f"the duration {text!r} must be longer than zero")
    return total


@dataclass
class RunReport:
    """What the last background run did."""

    started: datetime | None = None
    finished: datetime | None = None
    new: int = 0
    processed: int = 0
    errors: list[str] = field(default_factory=list)


class BackgroundCollector:
    """Every ``every`` seconds: collect the watched folders (and the feeds), then process.

    Errors are logged and kept in ``last``; they never stop the loop or the server.
    """

    def __init__(
        self,
        home: Path,
        settings: Settings,
        every: float,
        watch: Sequence[Path] = (),
        feeds: bool = True,
    ) -> None:
        self.home = home
        self.settings = settings
        self.every = every
        self.watch = list(watch)
        self.feeds = feeds
        self.runs = 0
        self.last = RunReport()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def folders(self) -> list[Path]:
        """The folders collected on each run that exist now: the inbox and the watched ones."""
        found = [self.home / INBOX, *self.watch]
        return [p for p in dict.fromkeys(found) if p.exists()]

    def run_once(self) -> RunReport:
        """One round of collection and processing; never raises."""
        report = RunReport(started=datetime.now(UTC))
        try:
            with open_workspace(self.home, self.settings) as ws:
                folders = self.folders()
                if folders:
                    got = collect(ws, folders)
                    report.new += got.new
                    report.errors += got.errors
                if self.feeds and any(o.feeds for o in ws.outlets.values()):
                    got = collect_feeds(ws)
                    report.new += got.new
                    report.errors += got.errors
                report.processed = process(ws).articles
        except Exception as exc:  # a failed round must not take the server down
            log.exception("background collection failed")
            report.errors.append(f"{type(exc).__name__}: {exc}")
        for message in report.errors:
            log.warning("background collection: %s", message)
        report.finished = datetime.now(UTC)
        self.last = report
        self.runs += 1
        return report

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.every)

    def start(self) -> None:
        """Start the background thread (the first round runs at once)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="dragoman-collector", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to stop and wait for the round in progress to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
