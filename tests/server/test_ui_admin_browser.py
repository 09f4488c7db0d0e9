"""The admin's pages in a real browser (Chromium driven by Playwright, as test_ui_browser.py):
an admin creates a dataset with a guidelines preview, imports a small CSV (one row rejected),
and, once two annotators have answered through the store, sees progress, agreement and the
conflicting record, then queues the export's ingest job. Screenshots (1280 px) land in
tmp_path; no dialog fires and nothing breaks the CSP."""

from __future__ import annotations

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]
CSV = (
    "prompt,answer_1,answer_2\n"
    "which is the larger planet?,Jupiter,Mars\n"
    "how many legs has a spider?,Eight,Six\n"
    "<script>alert(1)</script> what is 2 + 2?,4,<img src=x onerror=alert(2)>\n"
    "a prompt with one answer,only one,\n"
)


def test_admin_creates_imports_and_sees_agreement(page, tmp_path):  # noqa: F811
    from alignkit.jobs.store import JobStore
    from alignkit.server.feedback import auth, responses
    from alignkit.server.feedback import store as fb

    store = JobStore.open(f"sqlite:///{tmp_path / 'ui.db'}")
    engine = store.engine
    ws = auth.create_workspace(engine, "team")
    users = {}
    for email, role in (("boss@x.org", "admin"), ("ann@x.org", "annotator"),
                        ("bob@x.org", "annotator")):  # fmt: skip
        users[email] = auth.create_user(engine, email, PASSWORD)
        auth.set_member(engine, ws.id, users[email].id, role)
    try:
        with serve(store) as url:
            sign_in(page, url, "boss@x.org")
            page.click("text=New dataset")
            page.fill("#name", "planets")
            page.fill("#guidelines", "# Pick the **true** one\n<script>alert(3)</script>")
            page.fill("#min_submitted", "2")
            page.click("#preview-button")
            assert page.text_content("#preview h1") == "Pick the true one"
            shot(page, tmp_path, "admin-new-dataset")
            page.click("#create")
            assert page.url.endswith("/manage") and page.text_content("h1") == "planets"
            page.set_input_files(
                "#file", files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
            )
            page.click("#import-button")
            assert page.text_content("#imported") == "3"
            assert "answers: 2 for a pairwise question, not 1" in page.text_content("#rejected")
            shot(page, tmp_path, "admin-imported")
            (ds,) = fb.list_datasets(engine, ws.id)
            ids = [r.id for r in fb.list_records(engine, ds.id, None)]
            for rid, picks in zip(ids, [("a", "a"), ("a", "a"), ("a", "b")], strict=True):
                for email, choice in zip(("ann@x.org", "bob@x.org"), picks, strict=True):
                    responses.respond(engine, rid, users[email].id, {"choice": choice})
            page.goto(f"{url}/datasets/{ds.id}/manage")
            assert page.text_content("#done-count") == "3 / 3"
            assert page.text_content("#percent-agreement") == "66.7%"
            assert page.locator("#conflicts tbody tr").count() == 1
            shot(page, tmp_path, "admin-dataset")
            page.click("#conflicts a")
            assert page.text_content("#prompt").startswith("<script>")  # text, never run
            shot(page, tmp_path, "admin-record")
            page.go_back()
            page.click("#ingest-button")
            assert page.locator(".ingest").get_attribute("data-status") == "scheduled"
            shot(page, tmp_path, "admin-ingest")
            assert page.dialogs == [] and page.problems == []
    finally:
        store.engine.dispose()
