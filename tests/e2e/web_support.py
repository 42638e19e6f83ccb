"""Real headless Chromium for the web-app tests: Debian's ``/usr/bin/chromium`` driven by Playwright.

No browser is downloaded: Playwright launches the system Chromium. Locally the tests skip
when it is missing; in CI (``CI`` set) they fail, because CI installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("CODRIVER_TEST_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> Path:
    """The Chromium binary; skips the test when it is missing (fails in CI)."""
    if CHROMIUM.exists() or shutil.which(str(CHROMIUM)):
        return CHROMIUM
    message = f"no Chromium at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (no sandbox, no GPU, no /dev/shm), closed afterwards."""
    from playwright.sync_api import sync_playwright

    path = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(path),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class ConsoleWatch:
    """Console errors and uncaught exceptions of the pages it watches."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

        def on_error(error: Error) -> None:
            self.errors.append(f"page error: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_error)
        return page


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG under ``artifacts/screenshots/`` (created when missing)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
