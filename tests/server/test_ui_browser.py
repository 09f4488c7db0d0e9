"""The web UI in a real browser: Debian's Chromium driven by Playwright against uvicorn on a
free port over a tmp SQLite database. An annotator logs in, labels 5 pairs with the keyboard
only, saves a draft that survives a reload, walks back with the arrow keys; model text with a
script in it never runs (no dialog), and nothing breaks the CSP. Screenshots (1280 px wide)
of each page land in tmp_path."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent: `apt-get install -y chromium` (make test does)",
    ),
]
PASSWORD = "correct horse"
XSS_PROMPT = "<script>alert(1)</script> what is 2 + 2?"
XSS_ANSWER = '<img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


class Live:
    def __init__(self, url: str, store, dataset_id: str, record_ids: list[str], user_id: str):
        self.url, self.store, self.dataset_id = url, store, dataset_id
        self.record_ids, self.user_id = record_ids, user_id

    def responses(self) -> dict[str, tuple[str, dict]]:
        from sqlalchemy import select

        from alignkit.server.feedback.models import Response

        with self.store.engine.connect() as conn:
            rows = conn.execute(select(Response.record_id, Response.status, Response.value))
            return {r.record_id: (r.status, r.value) for r in rows}


@contextmanager
def serve(store):
    """uvicorn over the store's app on a free port, in a thread; yields its base URL."""
    import uvicorn

    from alignkit.server.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def live(tmp_path):
    from alignkit.jobs.store import JobStore
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    store = JobStore.open(f"sqlite:///{tmp_path / 'ui.db'}")
    user = auth.create_user(store.engine, "ann@x.org", PASSWORD, "Ann")
    ws = auth.create_workspace(store.engine, "team")
    auth.set_member(store.engine, ws.id, user.id, "annotator")
    question = {"type": "pairwise", "factual_errors": True, "rationale": True}
    ds = fb.create_dataset(store.engine, ws.id, "helpfulness", question,
                           "Prefer the answer that is **correct**, then the shorter.")  # fmt: skip
    records = [{"prompt": XSS_PROMPT, "answers": [XSS_ANSWER, "4"]}] + [
        {"prompt": f"question {i}: name a prime above {10 * i}",
         "answers": [f"{10 * i + 1} is prime, probably.", f"The next prime after {10 * i}."]}
        for i in range(1, 6)
    ]  # fmt: skip
    ids = fb.add_records(store.engine, ds.id, None, records)
    try:
        with serve(store) as url:
            yield Live(url, store, ds.id, ids, user.id)
    finally:
        store.engine.dispose()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.dialogs, page.problems = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    yield page
    context.close()


def shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def sign_in(page, url: str, email: str) -> None:
    """Log in through the login form, as a user types it (Enter submits)."""
    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def log_in(page, live, tmp_path: Path) -> None:
    page.goto(f"{live.url}/login")
    page.fill("#email", "ann@x.org")
    page.fill("#password", "not the password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "wrong email or password" in page.text_content(".error")
    page.problems.clear()  # Chromium logs the wrong password's 401: that one is expected
    page.fill("#email", "ann@x.org")
    page.fill("#password", PASSWORD)
    shot(page, tmp_path, "login")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live.url}/"


def test_label_five_pairs_with_the_keyboard(page, live, tmp_path):
    log_in(page, live, tmp_path)
    assert "helpfulness" in page.text_content("table") and "0 / 6" in page.text_content("table")
    shot(page, tmp_path, "home")
    page.click("text=Annotate")
    # the model's script is text on the page, never run
    assert page.text_content("#prompt") == XSS_PROMPT
    assert page.text_content("#answer-a .text") == XSS_ANSWER
    assert page.locator("#answer-a img").count() == 0
    shot(page, tmp_path, "annotate")
    keys = [["1"], ["2", "f"], ["0"], ["2", "Shift+F"], ["1"]]
    want = [("a", False, False), ("b", True, False), ("tie", False, False), ("b", False, True),
            ("a", False, False)]  # fmt: skip
    for i, presses in enumerate(keys):
        assert page.text_content("#prompt").startswith("question" if i else "<script>")
        for key in presses:
            page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    got = live.responses()
    assert len(got) == 5 and all(status == "submitted" for status, _ in got.values())
    for rid, (choice, flag_a, flag_b) in zip(live.record_ids, want):
        value = got[rid][1]
        assert value["choice"] == choice and value["factual_error"] == {"a": flag_a, "b": flag_b}
    assert page.text_content("#prompt").startswith("question 5")
    page.keyboard.press("0")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Nothing left" in page.text_content("#done")
    shot(page, tmp_path, "done")
    assert page.dialogs == [] and page.problems == []
    missing = page.goto(f"{live.url}/datasets/nope/annotate")
    assert missing.status == 404 and "no feedback dataset" in page.text_content(".error")
    shot(page, tmp_path, "error")


def test_draft_survives_a_reload_and_the_arrows_walk_back(page, live, tmp_path):
    from alignkit.server.feedback import responses

    for rid in live.record_ids[:2]:  # two answered already
        responses.respond(live.store.engine, rid, live.user_id, {"choice": "a"})
    log_in(page, live, tmp_path)
    page.goto(f"{live.url}/datasets/{live.dataset_id}/annotate")
    assert page.text_content("#prompt").startswith("question 2")
    page.keyboard.press("2")
    page.keyboard.press("f")
    page.fill("#rationale", "A names no prime")
    page.locator("#rationale").press("Control+s")  # Ctrl-S saves from the text box too
    page.wait_for_selector("#draft-status:has-text('Draft saved')")
    shot(page, tmp_path, "draft")
    page.reload()
    assert page.is_checked("#choice-b") and page.is_checked("#flag-a")
    assert not page.is_checked("#flag-b")
    assert page.input_value("#rationale") == "A names no prime"
    assert live.responses()[live.record_ids[2]][0] == "draft"
    # the page renews its lease through the REST API (the CSRF header from ui.js)
    with page.expect_response(lambda r: r.url.endswith("/lease")) as renewed:
        page.evaluate("htmx.trigger('#lease', 'renew')")
    assert renewed.value.status == 200
    # the arrow keys walk the records answered before, and back to the queue
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")  # the draft is last by position: the one before it
    assert page.text_content("#prompt").startswith("question 1")
    assert "You submitted" in page.text_content("#state") and page.is_checked("#choice-a")
    shot(page, tmp_path, "previous")
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    assert page.text_content("#prompt").startswith("question 2")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the restored draft, submitted
    assert live.responses()[live.record_ids[2]] == ("submitted", {
        "choice": "b", "factual_error": {"a": True, "b": False}, "rationale": "A names no prime",
    })  # fmt: skip
    assert page.dialogs == [] and page.problems == []
