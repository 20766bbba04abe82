"""The what-if notebook served as a dashboard (voila) and driven in a real browser (Debian chromium, Playwright).

Needs Chromium (``apt install chromium``): without it the test is skipped, unless SIMLIB_REQUIRE_BROWSER=1 (set by
.ci/run, which installs it) turns the skip into a failure. A screenshot is saved to test-artifacts/.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("voila")
sync_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("SIMLIB_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed (apt install chromium); the dashboard test needs a real browser")
        pytest.skip("chromium is not installed (apt install chromium)")
    port = _free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    voila = Path(sys.executable).with_name("voila")
    cmd = [str(voila), str(ROOT / "notebooks" / "05_what_if.ipynb"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext", "--VoilaExecutor.timeout=600"]
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:  # the port answers (a plain connection: no HTTP proxy settings in the way)
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"voila stopped: {log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_until_settled(page, timeout: float = 120.0) -> None:
    """Each key press is answered in turn: wait until the status has shown an answer (not 'computing') for 1.5 s."""
    deadline, calm = time.monotonic() + timeout, 0
    while calm < 3:
        if time.monotonic() > deadline:
            raise AssertionError("the panel did not settle")
        text = page.locator(".whatif-status").text_content() or ""
        calm = calm + 1 if " ms " in text else 0
        page.wait_for_timeout(500)


def _drive(url: str) -> dict:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url, timeout=300_000)
            cost = page.locator(".whatif-headline .whatif-cost")
            cost.wait_for(timeout=300_000)
            title = page.locator(".whatif-panel .js-plotly-plot .gtitle").first
            title.wait_for(timeout=60_000)
            before = {"cost": cost.text_content(), "title": title.text_content()}
            handle = page.locator(".lever-vermogensgrens_huurtoeslag .noUi-handle").first
            handle.focus()
            for _ in range(20):  # 20 steps of EUR 500: the huurtoeslag asset limit up by EUR 10,000
                handle.press("ArrowRight")
            page.wait_for_function(
                "([sel, old]) => { const e = document.querySelector(sel); return e && e.textContent !== old; }",
                arg=[".whatif-headline .whatif-cost", before["cost"]], timeout=60_000)
            page.wait_for_function(
                "([sel, old]) => { const e = document.querySelector(sel); return e && e.textContent !== old; }",
                arg=[".whatif-panel .js-plotly-plot .gtitle", before["title"]], timeout=60_000)
            _wait_until_settled(page)
            after = {"cost": cost.text_content(), "title": title.text_content(),
                     "status": page.locator(".whatif-status").text_content(),
                     "ticks": page.locator(".whatif-panel .js-plotly-plot").first.locator(".ytick").all_text_contents()}
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "whatif-dashboard.png"), full_page=True)
            return {"before": before, "after": after}
        finally:
            browser.close()


def test_dashboard_loads_and_a_slider_moves_the_numbers(dashboard):
    try:
        seen = _drive(dashboard)
    except sync_api.Error:  # one retry: a first page load in a cold browser can miss the widgets
        seen = _drive(dashboard)
    before, after = seen["before"], seen["after"]
    assert "+0 mln" in before["cost"] and "+0 mln" in before["title"]  # current law against itself
    assert after["cost"] != before["cost"] and "+" in after["cost"]  # a higher asset limit costs money
    assert after["title"] != before["title"]
    assert "ms" in after["status"]
    assert (ARTIFACTS / "whatif-dashboard.png").stat().st_size > 10_000
