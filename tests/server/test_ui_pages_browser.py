"""Every page of the web app in Debian's Chromium (Playwright, as test_ui_browser.py) at a
1280-px viewport, on one server with seeded data: the login, an annotator's home and annotate
pages (pairwise served by reward-model uncertainty, ranking, rating, thumbs), the admin's new
dataset, dataset page (progress, agreement, import with its formats, generate candidates,
active learning, export + ingest), import result, generate form, record page, the dashboard
(dataset cards, quick-run forms, job list), records browser, a run page and the pipelines page.
Each page: a 200, its key element, no console error, no CSP violation, nothing wider than the
viewport; a full-page screenshot in tmp_path (and in $ALIGNKIT_SCREENSHOTS when set)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pytest

from tests.server import test_ui_browser as base
from tests.server.conftest import bearer, run_by_hand
from tests.server.test_ui_browser import CHROMIUM, PASSWORD, serve, sign_in

browser = base.browser  # the same Chromium fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]
WIDTH = 1280
XSS = "<script>alert(1)</script> what is 2 + 2?"
GUIDELINES = "Prefer the answer that is **correct**, then the shorter.\n\n- facts first\n- tone"
CSP_WATCH = """document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });"""
# elements whose right edge passes the viewport: named in the failure message
OVERFLOW = """(w) => [...document.querySelectorAll('body *')].filter((e) => {
  const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 0.5; })
  .slice(0, 5).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""


@pytest.fixture
def page(browser):  # noqa: F811 - test_ui_browser's page, with the CSP listener
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs, page.problems = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    yield page
    context.close()


def look(page, tmp_path: Path, name: str, selector: str) -> None:
    """The page's key element is shown, nothing failed, nothing overflows; a screenshot."""
    page.wait_for_selector(selector, state="visible")
    page.wait_for_timeout(200)  # htmx's first swaps, the fonts
    assert page.evaluate("window.__csp || []") == [], name
    assert page.problems == [] and page.dialogs == [], (name, page.problems, page.dialogs)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (name, width, page.evaluate(OVERFLOW, WIDTH))
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if folder := os.environ.get("ALIGNKIT_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def visit(page, tmp_path: Path, url: str, name: str, selector: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (name, response and response.status)
    if status != 200:
        page.problems.clear()  # Chromium logs the page's own 4xx: that one is expected
    look(page, tmp_path, name, selector)


def completed_run(store, run: Path, kind: str, settings: dict, metrics: list[dict]) -> str:
    """A job taken through claim, start and completion by hand, with the files its run page
    reads: run.json, metrics.jsonl, an eval file and a log."""
    job = store.submit(kind, settings)
    run_by_hand(store, job.id, run, log=b"".join(b"step %d\n" % m["step"] for m in metrics))
    (run / "model").mkdir(exist_ok=True)
    (run / "run.json").write_text(json.dumps({
        "method": "rm", "status": "succeeded", "precision": "fp32", "steps": len(metrics),
        "precision_reason": "no fast bf16 here", "final_metrics": metrics[-1]}))  # fmt: skip
    (run / "metrics.jsonl").write_bytes(b"".join(orjson.dumps(m) + b"\n" for m in metrics))
    (run / "eval_rm.json").write_text('{"auc": 0.875, "accuracy": 0.8}')
    store.finish(job.id, "completed", exit_code=0)
    store.add_artifact(job.id, "eval", run / "eval_rm.json")
    return job.id


@pytest.fixture
def site(tmp_path):
    from alignkit.jobs.store import JobStore
    from alignkit.server import datasets
    from alignkit.server.feedback import auth, responses
    from alignkit.server.feedback import store as fb
    from tests.server.test_ui_dashboard import ingest, pairs_file

    store = JobStore.open(f"sqlite:///{tmp_path / 'ui.db'}")
    engine = store.engine
    ws = auth.create_workspace(engine, "team")
    users = {}
    for email, role, name in (("boss@x.org", "admin", "Boss"), ("ann@x.org", "annotator", "Ann"),
                              ("bob@x.org", "annotator", None)):  # fmt: skip
        users[email] = auth.create_user(engine, email, PASSWORD, name)
        auth.set_member(engine, ws.id, users[email].id, role)
    question = {"type": "pairwise", "factual_errors": True, "rationale": True}
    pairwise = fb.create_dataset(engine, ws.id, "helpfulness", question, GUIDELINES, 2)
    records = [{"prompt": XSS, "answers": ['<img src=x onerror="alert(2)">', "4"]}] + [
        {"prompt": f"question {i}: name a prime above {10 * i}",
         "answers": [f"{10 * i + 1} is prime, probably.", f"The next prime after {10 * i}."]}
        for i in range(1, 8)
    ]  # fmt: skip
    ids = fb.add_records(engine, pairwise.id, None, records)
    for rid, picks in zip(ids[:3], [("a", "a"), ("a", "b"), ("tie", "b")], strict=True):
        for email, choice in zip(("bob@x.org", "boss@x.org"), picks, strict=True):
            responses.respond(engine, rid, users[email].id, {"choice": choice})
    ranking = fb.create_dataset(engine, ws.id, "order", {"type": "ranking"}, GUIDELINES)
    fb.add_records(engine, ranking.id, None, [{"prompt": "Which is the capital of France?",
        "answers": ["Paris.", "Lyon, I think.", "Paris, on the Seine."]}])  # fmt: skip
    rating = fb.create_dataset(engine, ws.id, "stars", {"type": "rating"})
    fb.add_records(engine, rating.id, None, [{"prompt": "Say hello.",
                                              "answers": ["Hello!", "Go away."]}])  # fmt: skip
    thumbs = fb.create_dataset(engine, ws.id, "thumbs", {"type": "thumbs"})
    fb.add_records(engine, thumbs.id, None, [{"prompt": "Is water wet?",
                                              "answers": ["Yes, it is."]}])  # fmt: skip
    numbers = datasets.register(
        store, ingest(pairs_file(tmp_path / "pairs.jsonl", 40), tmp_path / "ds"), name="numbers"
    )
    metrics = [{"step": s, "loss": 0.9 - 0.1 * s, "accuracy": 0.5 + 0.05 * s,
                "rewards/margins": 0.1 * s, "epoch": s / 6} for s in range(1, 7)]  # fmt: skip
    rm_run = tmp_path / "rm-run"
    rm_job = completed_run(store, rm_run, "train:rm",
                           {"output_dir": str(rm_run), "model": "tiny-bert"}, metrics)  # fmt: skip
    try:
        with serve(store) as url:
            yield dict(url=url, store=store, ws=ws, users=users, ids=ids, pairwise=pairwise,
                       ranking=ranking, rating=rating, thumbs=thumbs, numbers=numbers,
                       rm_run=rm_run, rm_job=rm_job)  # fmt: skip
    finally:
        store.engine.dispose()


CSV = (
    "prompt,answer_1,answer_2\n"
    "which is the larger planet?,Jupiter,Mars\n"
    "how many legs has a spider?,Eight,Six\n"
    "a prompt with one answer,only one,\n"
)


def test_every_page_at_1280_px(page, site, tmp_path):
    import httpx

    from tests.server.test_feedback_active import put_scores
    from tests.server.test_pipelines_api import YAML

    url, store, ds = site["url"], site["store"], site["pairwise"]
    made = httpx.post(f"{url}/api/pipelines", json={"yaml": YAML},
                      headers=bearer(store, "admin", "ops"))  # fmt: skip
    assert made.status_code == 201, made.text

    visit(page, tmp_path, f"{url}/login", "login", "#email")
    page.fill("#email", "boss@x.org")
    page.fill("#password", "not the password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.problems.clear()  # Chromium logs the wrong password's 401: that one is expected
    look(page, tmp_path, "login-error", ".error")
    sign_in(page, url, "boss@x.org")
    look(page, tmp_path, "home-admin", "main table")
    assert "helpfulness" in page.text_content("main")

    # the admin's pages
    visit(page, tmp_path, f"{url}/workspaces/{site['ws'].id}/datasets/new", "new-dataset",
          "#new-dataset")  # fmt: skip
    page.fill("#name", "tone")
    page.fill("#guidelines", GUIDELINES)
    with page.expect_navigation():
        page.click("#preview-button")
    look(page, tmp_path, "new-dataset-preview", "#preview strong")
    manage = f"{url}/datasets/{ds.id}/manage"
    visit(page, tmp_path, manage, "dataset", "#import-format")
    assert page.text_content("#done-count") == "3 / 8"
    assert page.locator("#conflicts tbody tr").count() == 2
    assert "records" in page.locator("#import-format option").all_text_contents()
    assert page.locator("#generate-link").is_visible() and page.is_visible("#active-off")
    for field in ("#file", "#import-format", "#import-map"):  # every input has its label
        assert page.locator(f"label[for='{field[1:]}']").is_visible(), field
    # a button shows the pointer on it, and keyboard focus
    border = "(e) => getComputedStyle(e).borderColor"
    before = page.eval_on_selector("#import-button", border)
    page.hover("#import-button")
    assert page.eval_on_selector("#import-button", border) != before
    page.focus("#import-map")
    page.keyboard.press("Tab")
    outline = page.eval_on_selector("#import-button", "(e) => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    # attach the completed train:rm run, the active-learning card says so; score
    page.select_option("#reward-model", str(site["rm_run"].resolve()))
    with page.expect_navigation():
        page.click("#attach-button")
    assert page.text_content("#scored-count") == "0 / 8"
    with page.expect_navigation():
        page.click("#score-button")
    assert page.locator("#score-jobs .score-job").count() == 1
    put_scores(store, site["rm_run"], dict(zip(site["ids"], [0.3, 0.2, 0.1, 0.05, 0.4])))
    page.reload()
    assert page.text_content("#scored-count") == "5 / 8"
    with page.expect_navigation():
        page.click("#ingest-button")
    assert page.locator(".ingest").count() == 1
    look(page, tmp_path, "dataset-active", "#active-notice")
    # import: a records CSV (one row rejected)
    page.goto(manage)
    page.set_input_files(
        "#file", files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    with page.expect_navigation():
        page.click("#import-button")
    assert page.text_content("#imported") == "2"
    look(page, tmp_path, "imported", "#rejected")
    # generate candidates: the form, then its job on the dataset page
    visit(page, tmp_path, f"{url}/datasets/{ds.id}/generate", "generate", "#generate-form")
    page.select_option("#prompts", site["numbers"].id)
    page.fill("#temperature", "hot")
    with page.expect_navigation():
        page.click("#generate-button")
    page.problems.clear()  # the form's 422
    look(page, tmp_path, "generate-error", "#form-error")
    assert "hot" in page.text_content("#form-error") and page.input_value("#temperature") == "hot"
    page.fill("#temperature", "0.7")
    page.select_option("#prompts", site["numbers"].id)
    page.select_option("#model_a", index=0)
    with page.expect_navigation():
        page.click("#generate-button")
    assert page.url.endswith("/manage#generate"), page.url
    assert page.locator("#generate-jobs .generate-job").count() == 1
    look(page, tmp_path, "dataset-generated", "#generate-jobs")
    page.click("#conflicts a >> nth=0")
    look(page, tmp_path, "record", "#responses")
    assert page.text_content("#prompt").startswith("question 1")
    # the answers are named as the annotators saw them and as the responses say: A and B
    assert page.locator(".answer h2").all_text_contents() == ["Answer A", "Answer B"]
    assert page.locator("#responses td:nth-child(3)").all_text_contents() == ["A", "B"]

    # the dashboard
    page.click("#nav-dashboard")
    look(page, tmp_path, "dashboard", f"#dataset-{site['numbers'].id}")
    assert page.locator("#job-table tr[data-job]").count() >= 5
    page.click(f"#dataset-{site['numbers'].id} .browse")
    look(page, tmp_path, "dashboard-records", "#records tr.row")
    assert page.locator("#records script").count() == 0  # a prompt's script: text, escaped
    assert "<script>alert(1)</script>" in page.text_content("#records")
    for method in ("rm", "dpo"):
        visit(page, tmp_path, f"{url}/dashboard/quick/{method}?dataset={site['numbers'].id}",
              f"quick-{method}", "#quick-form")  # fmt: skip
    visit(page, tmp_path, f"{url}/dashboard/runs/{site['rm_job']}", "run", "#settings")
    page.wait_for_function(
        "() => Number(document.querySelector('#chart-loss')?.dataset.points) >= 6"
    )  # the metrics stream's points
    look(page, tmp_path, "run", "#chart-loss canvas")
    assert page.text_content("#status-card h2") == "Status"
    visit(page, tmp_path, f"{url}/dashboard/pipelines", "pipelines", "#pipeline-api-sweep")

    visit(page, tmp_path, f"{url}/dashboard/runs/nope", "error-run", ".error", status=404)

    # the annotator's pages
    page.click("#logout")
    sign_in(page, url, "ann@x.org")
    look(page, tmp_path, "home-annotator", "main table")
    visit(page, tmp_path, f"{url}/datasets/{ds.id}/annotate", "annotate-pairwise",
          "#active-notice")  # fmt: skip
    assert page.text_content("#prompt").startswith("question 3")  # the least certain first
    page.keyboard.press("2")
    page.keyboard.press("f")
    page.fill("#rationale", "B names no prime")
    page.locator("#rationale").press("Control+s")
    page.wait_for_selector("#draft-status:has-text('Draft saved')")
    look(page, tmp_path, "annotate-pairwise-draft", "#draft-status")
    for key in ("ranking", "rating", "thumbs"):
        visit(page, tmp_path, f"{url}/datasets/{site[key].id}/annotate", f"annotate-{key}",
              "#prompt")  # fmt: skip
    page.keyboard.press("u")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    look(page, tmp_path, "annotate-done", "#done")


def test_empty_pages_say_why_they_are_empty(page, tmp_path):
    """A new workspace: each page with nothing to show says so, in words."""
    from alignkit.jobs.store import JobStore
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    store = JobStore.open(f"sqlite:///{tmp_path / 'ui.db'}")
    ws = auth.create_workspace(store.engine, "team")
    for email, role in (("boss@x.org", "owner"), ("ann@x.org", "annotator")):
        auth.set_member(store.engine, ws.id, auth.create_user(store.engine, email, PASSWORD).id,
                        role)  # fmt: skip
    ds = fb.create_dataset(store.engine, ws.id, "empty", {"type": "pairwise"})
    try:
        with serve(store) as url:
            sign_in(page, url, "boss@x.org")
            look(page, tmp_path, "empty-home", "main")
            visit(page, tmp_path, f"{url}/datasets/{ds.id}/manage", "empty-dataset", "#progress")
            assert "import a file or generate" in page.text_content("#no-records")
            assert "two or more submitted responses" in page.text_content("#agreement")
            assert "Conflicting" not in page.text_content("#agreement")  # nothing to compare
            visit(page, tmp_path, f"{url}/dashboard", "empty-dashboard", "#datasets")
            assert "No datasets yet" in page.text_content("main")
            assert page.text_content("#jobs").strip()  # the job list says it has none
            visit(page, tmp_path, f"{url}/dashboard/pipelines", "empty-pipelines", "main")
            assert len(page.text_content("main").split()) > 2  # more than the heading
            page.click("#logout")
            sign_in(page, url, "ann@x.org")
            visit(page, tmp_path, f"{url}/datasets/{ds.id}/annotate", "empty-annotate", "#done")
            assert "No records waiting for you" in page.text_content("#done")  # not "Thank you"
    finally:
        store.engine.dispose()
