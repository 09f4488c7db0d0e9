"""The dashboard in a real browser (Chromium driven by Playwright, as test_ui_browser.py): an
admin launches a DPO quick run on tiny-llama from the form, a worker (`alignkit worker`, its
own process, as in production) runs it, and the run page's chart gets points from the metrics
stream; the admin cancels another queued job from the job list, then the run itself. No dialog
fires, nothing breaks the CSP; screenshots (1280 px) land in tmp_path."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.test_ui_browser import (  # noqa: F401 - browser, page: fixtures
    CHROMIUM,
    PASSWORD,
    browser,
    page,
    serve,
    shot,
    sign_in,
)
from tests.server.test_ui_dashboard import ingest, pairs_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]
ALIGNKIT = Path(sys.executable).with_name("alignkit")


@pytest.fixture
def worker(tmp_path, monkeypatch):
    """`alignkit worker` over the test's database (its environment: the test's dirs)."""
    monkeypatch.setenv("ALIGNKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'ui.db'}")
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(ALIGNKIT), "worker", "--heartbeat-s", "0.5", "--grace-s", "20"],
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)  # it stops its running job, then itself
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_admin_launches_dpo_watches_its_chart_and_cancels(page, worker, tmp_path):  # noqa: F811
    from alignkit.jobs.store import JobStore
    from alignkit.server import datasets
    from alignkit.server.feedback import auth

    store = JobStore.open()  # the worker's database (ALIGNKIT_DATABASE_URL)
    ws = auth.create_workspace(store.engine, "team")
    boss = auth.create_user(store.engine, "boss@x.org", PASSWORD)
    auth.set_member(store.engine, ws.id, boss.id, "owner")
    pairs = datasets.register(
        store, ingest(pairs_file(tmp_path / "pairs.jsonl", 40), tmp_path / "ds"), name="numbers"
    )
    try:
        with serve(store) as url:
            sign_in(page, url, "boss@x.org")
            page.click("#nav-dashboard")
            assert page.text_content(f"#dataset-{pairs.id} .kept").startswith("40 preference")
            shot(page, tmp_path, "dashboard")
            page.click(f"#dataset-{pairs.id} .browse")
            assert page.locator("#records tr.row").count() == 20
            shot(page, tmp_path, "dashboard-records")
            page.go_back()
            page.click(f"#dataset-{pairs.id} >> text=Train DPO")
            page.select_option("#model", "tiny-llama")
            for name, value in (("max_steps", "200"), ("batch_size", "2"),
                                ("logging_steps", "1"), ("lr", "1e-4")):  # fmt: skip
                page.fill(f"#{name}", value)
            page.select_option("#precision", "fp32")
            page.fill("#beta", "0")
            with page.expect_navigation():
                page.click("#launch")
            assert page.text_content("#form-error") == "--beta must be > 0"
            shot(page, tmp_path, "quick-dpo-error")
            assert store.list() == []
            page.problems.clear()  # Chromium logs the form's 422: that one is expected
            page.fill("#beta", "0.2")
            with page.expect_navigation():
                page.click("#launch")
            (run,) = store.list()
            assert run.kind == "train:dpo" and page.url.endswith(f"/dashboard/runs/{run.id}")
            # queued behind the run (the worker runs one job at a time): cancelled from the list
            other = store.submit(
                "data:ingest",
                {"input": str(tmp_path / "none.jsonl"), "output": str(tmp_path / "o")},
                priority=-1,
            )
            chart = page.locator("#chart-loss")
            chart.wait_for(timeout=60_000)  # the first metrics.jsonl line came through SSE
            page.wait_for_function(
                "() => Number(document.querySelector('#chart-loss').dataset.points) >= 2",
                timeout=30_000,
            )  # and the chart grows
            assert page.locator("#chart-loss canvas").count() >= 1
            assert page.text_content("#run-status") == "in_progress"
            shot(page, tmp_path, "run-live")
            page.click("#nav-dashboard")
            page.click(f"button.cancel[data-job='{other.id}']")
            assert page.get_attribute(f"tr[data-job='{other.id}']", "data-status") == "cancelled"
            assert store.get(other.id).status == "cancelled"
            shot(page, tmp_path, "dashboard-jobs")
            page.click(f"tr[data-job='{run.id}'] a")
            page.click(f"button.cancel[data-job='{run.id}']")
            page.wait_for_selector("#run-status[data-status='cancelled']", timeout=30_000)
            assert store.get(run.id).status == "cancelled"
            assert page.dialogs == [] and page.problems == []
            shot(page, tmp_path, "run-cancelled")
    finally:
        store.engine.dispose()
