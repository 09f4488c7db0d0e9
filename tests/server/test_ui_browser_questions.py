"""Ranking and rating records annotated in Debian's Chromium (Playwright, as in
test_ui_browser.py): answer numbers typed best first, a rank select that swaps, an autosaved
draft restored by a reload, 1-5 keys on the outlined answer, walking back to edit; the
guidelines' XSS payloads never run and nothing breaks the CSP. Screenshots in tmp_path."""

from __future__ import annotations

import time

import pytest

from tests.server import test_ui_browser as base
from tests.server.test_ui_browser import CHROMIUM, PASSWORD, serve, shot, sign_in

browser, page = base.browser, base.page  # the same Chromium and page fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]
GUIDELINES = (
    "Rank by **correctness**. <script>alert('guidelines')</script>\n\n"
    "<img src=\"javascript:alert('src')\" onerror=\"alert('img')\"> [more](javascript:alert(1))"
)


@pytest.fixture
def site(tmp_path):
    from alignkit.jobs.store import JobStore
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    store = JobStore.open(f"sqlite:///{tmp_path / 'ui.db'}")
    user = auth.create_user(store.engine, "ann@x.org", PASSWORD, "Ann")
    ws = auth.create_workspace(store.engine, "team")
    auth.set_member(store.engine, ws.id, user.id, "annotator")
    ranking = fb.create_dataset(store.engine, ws.id, "order", {"type": "ranking"}, GUIDELINES)
    rating = fb.create_dataset(store.engine, ws.id, "stars", {"type": "rating"})
    [rank_id] = fb.add_records(store.engine, ranking.id, None, [
        {"prompt": "Which is the capital of France?",
         "answers": ["Paris.", "Lyon, I think.", "Paris, on the Seine."]}])  # fmt: skip
    [rate_id] = fb.add_records(store.engine, rating.id, None, [
        {"prompt": "Say hello.", "answers": ["Hello!", "Go away."]}])  # fmt: skip
    try:
        with serve(store) as url:
            yield dict(url=url, store=store, user=user.id, ranking=ranking.id, rating=rating.id,
                       rank_id=rank_id, rate_id=rate_id)  # fmt: skip
    finally:
        store.engine.dispose()


def mine(site, record_id: str):
    from alignkit.server.feedback import responses

    return responses.my_response(site["store"].engine, record_id, site["user"])


def wait_for_value(site, record_id: str, value: dict) -> None:
    """The autosave is debounced: wait (no timing asserted) until the draft is stored."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if mine(site, record_id).value == value:
                return
        except Exception:  # noqa: BLE001 (no response yet)
            pass
        time.sleep(0.1)
    raise AssertionError(f"no draft {value} saved")


def test_rank_and_rate_with_the_keyboard_and_controls(page, site, tmp_path):
    url = site["url"]
    sign_in(page, url, "ann@x.org")
    page.goto(f"{url}/datasets/{site['ranking']}/annotate")
    page.click("summary")  # the guidelines: sanitized markdown, nothing runs
    assert page.inner_html("#guidelines strong") == "correctness"
    assert page.locator("#guidelines script, #guidelines [onerror]").count() == 0
    assert page.get_attribute("#guidelines img", "onerror") is None
    # type the answers' numbers best first; Enter on an incomplete ranking only says so
    for key in ("3", "1"):
        page.keyboard.press(key)
    assert page.text_content("#order") == "3 > 1"
    page.keyboard.press("Enter")
    assert "its own rank" in page.text_content("#draft-status")
    page.keyboard.press("Backspace")  # undoes answer 1's rank
    assert page.text_content("#order") == "3" and page.input_value("#rank-0") == ""
    page.keyboard.press("1")
    page.select_option("#rank-1", "3")
    page.select_option("#rank-0", "1")  # answer 3 held rank 1: the two swap
    assert [page.input_value(f"#rank-{i}") for i in range(3)] == ["1", "3", "2"]
    assert page.text_content("#order") == "1 > 3 > 2"
    shot(page, tmp_path, "ranking")
    wait_for_value(site, site["rank_id"], {"ranking": [0, 2, 1]})  # autosaved
    page.reload()
    assert "draft is restored" in page.text_content("#state")
    assert [page.input_value(f"#rank-{i}") for i in range(3)] == ["1", "3", "2"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#done").count() == 1
    got = mine(site, site["rank_id"])
    assert (got.status, got.value) == ("submitted", {"ranking": [0, 2, 1]})

    # rating: the outlined answer takes 1-5, then the next is outlined; arrows move it
    page.goto(f"{url}/datasets/{site['rating']}/annotate")
    assert "current" in page.get_attribute("#answer-0", "class")
    page.keyboard.press("4")
    assert page.is_checked("#rating-0-4") and "current" in page.get_attribute("#answer-1", "class")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("5")
    page.keyboard.press("2")
    assert page.is_checked("#rating-0-5") and page.is_checked("#rating-1-2")
    shot(page, tmp_path, "rating")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert mine(site, site["rate_id"]).value == {"ratings": [5, 2]}
    # back to it with the left arrow: a click on a rating and Enter edit the answer
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    assert "You submitted" in page.text_content("#state") and page.is_checked("#rating-0-5")
    page.click("#rating-1-3")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    from alignkit.server.feedback import responses

    edited = mine(site, site["rate_id"])
    assert edited.value == {"ratings": [5, 3]}
    old = responses.history(site["store"].engine, edited.id, site["user"])
    assert [h.value for h in old] == [{"ratings": [5, 2]}]
    assert page.dialogs == [] and page.problems == []
