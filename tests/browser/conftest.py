"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never downloads a browser. Without Chromium, the tests skip on a developer machine (one line says
how to enable them) and fail in CI, where `.ci/run` installs it. Every page visited is checked with
axe-core (vendored) and must not trip the Content-Security-Policy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "vendor" / "axe-core-4.14.1.min.js"
CHROMIUM = Path(os.environ.get("FRAME_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_MESSAGE = (
    "Browser tests skipped: install Chromium (sudo apt-get install chromium) to run them."
)
# Explicit waits use this; nothing in these tests sleeps for a fixed time.
TIMEOUT_MS = 15_000
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            # One worker runs them all, so one browser and one live server serve the lot.
            item.add_marker(pytest.mark.xdist_group("browser"))


def chromium_or_skip() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing.", pytrace=False)
    pytest.skip(SKIP_MESSAGE)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code still calls the ORM
    # synchronously (to create a setup token, say), which Django would otherwise refuse.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    nodes: list[str]

    def describe(self) -> str:
        lines = [f"[{self.impact}] {self.rule} on {self.page}: {self.help}"]
        lines += [f"    {node}" for node in self.nodes]
        return "\n".join(lines)


@dataclass
class Visit:
    """A browser tab on the live server, recording CSP violations and accessibility findings."""

    page: Any
    base_url: str
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    findings: list[Violation] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("domcontentloaded")
        return response

    def check_accessibility(self, label: str) -> None:
        """Run axe-core on the page as it is now; findings are reported at the end of the test.

        The script is evaluated through the DevTools protocol, which Content-Security-Policy does
        not govern, so no CSP bypass is needed and the violation listener stays honest.
        """
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SCRIPT.read_text())
        results = self.page.evaluate(
            "async () => JSON.stringify((await axe.run(document, "
            "{resultTypes: ['violations']})).violations)"
        )
        for item in json.loads(results):
            nodes = [
                f"{', '.join(map(str, node['target']))}: {node['html'][:160]}"
                for node in item["nodes"]
            ]
            self.findings.append(
                Violation(
                    page=f"{label} ({self.page.url})",
                    rule=item["id"],
                    impact=item.get("impact") or "unknown",
                    help=item["help"],
                    nodes=nodes,
                )
            )
        self.checked.append(label)

    def assert_clean(self) -> None:
        """No CSP violation, no script error, no serious or critical accessibility violation."""
        for finding in self.findings:
            if finding.impact not in BLOCKING_IMPACTS:
                print("axe (not blocking):", finding.describe())
        blocking = [f for f in self.findings if f.impact in BLOCKING_IMPACTS]
        problems = [f"CSP violation: {message}" for message in self.csp_violations]
        problems += [f"Script error: {message}" for message in self.page_errors]
        problems += [finding.describe() for finding in blocking]
        assert not problems, "\n".join(problems)


@pytest.fixture
def visit(browser: Any, live_server: Any) -> Iterator[Visit]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Visit(page=page, base_url=live_server.url)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            tab.csp_violations.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
