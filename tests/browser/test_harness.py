"""The browser harness itself: it sees CSP violations and accessibility failures, and it skips or
fails correctly when Chromium is missing. A checker that cannot fail would prove nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.conftest import SKIP_MESSAGE, Visit

ROOT = Path(__file__).resolve().parents[2]


def test_sign_in_page_is_accessible_and_keeps_its_csp(visit: Visit) -> None:
    visit.goto(reverse("account_login"))
    page = visit.page
    page.locator("input[name=login]").wait_for()
    assert page.locator("h1").count() == 1
    visit.check_accessibility("sign-in page")
    visit.assert_clean()
    # The stylesheet and scripts came from Frame itself and were allowed to load.
    assert page.evaluate("() => document.styleSheets.length") >= 1
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    csrf = next(cookie for name, cookie in cookies.items() if "csrf" in name)
    assert csrf["name"].startswith("__Host-") and csrf["secure"]


def test_the_harness_notices_a_csp_violation(visit: Visit) -> None:
    visit.goto(reverse("account_login"))
    with pytest.raises(Exception, match="Content Security Policy"):
        visit.page.add_script_tag(content="window.injected = true")
    assert visit.csp_violations
    with pytest.raises(AssertionError, match="CSP violation"):
        visit.assert_clean()


def test_the_harness_notices_a_serious_accessibility_failure(visit: Visit) -> None:
    visit.goto(reverse("account_login"))
    # An unlabelled input and an image without alt text: both are serious or critical for axe.
    visit.page.evaluate(
        """() => {
            const input = document.createElement('input');
            input.type = 'text';
            document.querySelector('main').appendChild(input);
            const img = document.createElement('img');
            img.src = '/static/css/frame.css';
            document.querySelector('main').appendChild(img);
        }"""
    )
    visit.check_accessibility("sign-in page with broken markup")
    rules = {finding.rule for finding in visit.findings}
    assert {"label", "image-alt"} <= rules
    with pytest.raises(AssertionError, match="image-alt"):
        visit.assert_clean()


def _run_browser_tests_without_chromium(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_XDIST_WORKER"}}
    environment.update(env, FRAME_CHROMIUM="/nonexistent/chromium")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-q",
            "tests/browser/test_harness.py::test_sign_in_page_is_accessible_and_keeps_its_csp",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_without_chromium_a_developer_machine_skips_with_one_line() -> None:
    result = _run_browser_tests_without_chromium()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert SKIP_MESSAGE in result.stdout


def test_without_chromium_ci_fails() -> None:
    result = _run_browser_tests_without_chromium(CI="1")
    assert result.returncode != 0
    assert "Chromium is required in CI" in result.stdout
