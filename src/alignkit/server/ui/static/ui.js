// alignkit's web UI: the CSRF header on htmx's requests, and the annotate page's keys for each
// question type (the form's data-question). All the page's script lives here (the CSP allows
// no inline script); every control is a plain form field, so the page also works by hand.
"use strict";

document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});

function say(text, hint = false) {
  const status = document.getElementById("draft-status");
  if (!status) return;
  status.textContent = text;
  status.dataset.hint = hint ? "1" : ""; // what a submit lacked: gone with the next change
}

document.addEventListener("change", () => {
  const status = document.getElementById("draft-status");
  if (status && status.dataset.hint) say("");
});

document.addEventListener("htmx:responseError", (event) => {
  const lease = event.detail.elt && event.detail.elt.id === "lease";
  say(lease ? "This record's lease was lost: reload the page."
    : `Could not save (HTTP ${event.detail.xhr.status}).`);
});

// once the answer is on its way, no autosaved draft may follow it
document.addEventListener("submit", (event) => {
  if (event.target.id === "answer") event.target.dataset.sent = "1";
});
document.addEventListener("htmx:confirm", (event) => {
  const form = document.getElementById("answer");
  if (form && form.dataset.sent && form.contains(event.detail.elt)) event.preventDefault();
});

const byId = (id) => document.getElementById(id);
// a change made by a key is announced like the user's own (autosave, the ranking's order)
const changed = (el) => el.dispatchEvent(new Event("change", { bubbles: true }));

function check(id) {
  const box = byId(id);
  if (box) {
    box.checked = true;
    changed(box);
  }
}

function toggle(id) {
  const box = byId(id);
  if (box) {
    box.checked = !box.checked;
    changed(box);
  }
}

function follow(id) {
  const link = byId(id);
  if (link) window.location.assign(link.href);
}

const count = (form) => Number(form.dataset.answers);
const picked = (form, name) => form.querySelector(`input[name="${name}"]:checked`);

// -- ranking: rank selects; typing answer numbers ranks them best first ----------------------

const rankBoxes = (form) => [...form.querySelectorAll('select[name^="rank_"]')];

function showOrder(form) {
  const out = byId("order");
  if (!out) return;
  const ranked = rankBoxes(form).map((box, i) => [Number(box.value), i + 1])
    .filter(([rank]) => rank > 0).sort((x, y) => x[0] - y[0]);
  out.textContent = ranked.length ? ranked.map(([, n]) => n).join(" > ") : "none ranked yet";
}

function rankNext(form, i) {
  const boxes = rankBoxes(form);
  if (!boxes[i] || boxes[i].value) return; // ranked already: its select changes it
  const used = new Set(boxes.map((box) => Number(box.value)));
  let rank = 1;
  while (used.has(rank)) rank += 1;
  boxes[i].value = String(rank);
  boxes[i].dataset.was = boxes[i].value;
  changed(boxes[i]);
}

function unrankLast(form) {
  const boxes = rankBoxes(form).filter((box) => box.value);
  if (!boxes.length) return;
  const last = boxes.reduce((a, b) => (Number(a.value) > Number(b.value) ? a : b));
  last.value = "";
  last.dataset.was = "";
  changed(last);
}

// a rank picked in a select that another answer holds: the two swap, so the ranks stay a
// permutation whichever control the annotator uses
document.addEventListener("change", (event) => {
  const box = event.target;
  const form = byId("answer");
  if (!form || form.dataset.question !== "ranking" || !box.name || !box.name.startsWith("rank_")) return;
  const was = box.dataset.was || "";
  if (box.value && box.value !== was) {
    const other = rankBoxes(form).find((b) => b !== box && b.value === box.value);
    if (other) {
      other.value = was;
      other.dataset.was = was;
    }
  }
  box.dataset.was = box.value;
  showOrder(form);
});

// -- rating and thumbs: the outlined answer takes the key, then the next one is outlined ------

function current(form) {
  return Math.min(Number(form.dataset.current || 0), count(form) - 1);
}

function outline(form, i) {
  form.dataset.current = String(i);
  form.querySelectorAll(".answer").forEach((card) => {
    card.classList.toggle("current", card.dataset.answer === String(i));
  });
}

function markCurrent(form, name, value) {
  const i = current(form);
  check(`${name}-${i}-${value}`);
  if (i + 1 < count(form)) outline(form, i + 1);
}

function move(form, step) {
  outline(form, Math.max(0, Math.min(count(form) - 1, current(form) + step)));
}

// clicking or tabbing into an answer's card makes it the outlined one
document.addEventListener("focusin", (event) => {
  const form = byId("answer");
  const card = event.target.closest && event.target.closest(".answer");
  if (form && card && form.contains(card) && form.dataset.question !== "pairwise") {
    outline(form, Number(card.dataset.answer));
  }
});

// -- the question types: their keys and what a submit still lacks ----------------------------

const perAnswer = (form, name) => [...Array(count(form)).keys()].every((i) => picked(form, `${name}_${i}`));

const QUESTIONS = {
  pairwise: {
    keys: { "1": () => check("choice-a"), "2": () => check("choice-b"), "0": () => check("choice-tie"),
      "f": () => toggle("flag-a"), "F": () => toggle("flag-b") },
    missing: (form) => (picked(form, "choice") ? null : "Pick A (1), B (2) or tie (0) first."),
  },
  ranking: {
    key: (form, key) => {
      if (/^[1-9]$/.test(key)) return () => rankNext(form, Number(key) - 1);
      if (key === "Backspace" || key === "Delete") return () => unrankLast(form);
      return null;
    },
    missing: (form) => {
      const ranks = rankBoxes(form).map((box) => box.value);
      const whole = ranks.every(Boolean) && new Set(ranks).size === ranks.length;
      return whole ? null : "Give each answer its own rank: type their numbers, best first.";
    },
  },
  rating: {
    key: (form, key) => {
      if (/^[1-5]$/.test(key)) return () => markCurrent(form, "rating", key);
      return null;
    },
    missing: (form) => (perAnswer(form, "rating") ? null : "Rate every answer (1-5) first."),
  },
  thumbs: {
    key: (form, key) => {
      if (key === "u" || key === "+") return () => markCurrent(form, "thumb", "up");
      if (key === "d" || key === "-") return () => markCurrent(form, "thumb", "down");
      return null;
    },
    missing: (form) => (perAnswer(form, "thumb") ? null : "Give every answer a thumb (u / d) first."),
  },
};

function submitAnswer(form) {
  const question = QUESTIONS[form.dataset.question];
  const lack = question && question.missing(form);
  if (lack) {
    say(lack, true);
    return;
  }
  if (form.dataset.sent) return; // one submit per page (the server's idempotency key too)
  form.requestSubmit(byId("submit"));
}

document.addEventListener("DOMContentLoaded", () => {
  const form = byId("answer");
  if (!form) return;
  if (form.dataset.question === "ranking") {
    rankBoxes(form).forEach((box) => { box.dataset.was = box.value; });
  }
  if (["rating", "thumbs"].includes(form.dataset.question)) {
    const name = form.dataset.question === "rating" ? "rating" : "thumb";
    const first = [...Array(count(form)).keys()].find((i) => !picked(form, `${name}_${i}`));
    outline(form, first === undefined ? 0 : first);
  }
});

document.addEventListener("keydown", (event) => {
  const form = byId("answer");
  const target = event.target;
  if (!form) { // the done page: the left arrow still walks back to the answered records
    if (event.key === "ArrowLeft" && target === document.body) follow("prev");
    return;
  }
  const select = target.tagName === "SELECT";
  const typing = target.tagName === "TEXTAREA" || select ||
    (target.tagName === "INPUT" && !["radio", "checkbox"].includes(target.type));
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && event.key.toLowerCase() === "s") {
    event.preventDefault();
    const draft = byId("save-draft");
    if (draft) draft.click();
    return;
  }
  if (event.key === "Enter" && (ctrl || select || (!typing && target.tagName !== "BUTTON"))) {
    event.preventDefault();
    submitAnswer(form);
    return;
  }
  if (typing || ctrl || event.altKey) return; // a focused select or text box keeps its keys
  const question = QUESTIONS[form.dataset.question] || {};
  let action = question.keys ? question.keys[event.key] : question.key && question.key(form, event.key);
  const many = count(form) > 1 && ["rating", "thumbs"].includes(form.dataset.question);
  if (!action && many && event.key === "ArrowUp") action = () => move(form, -1);
  if (!action && many && event.key === "ArrowDown") action = () => move(form, 1);
  if (!action && event.key === "ArrowLeft") action = () => follow("prev");
  if (!action && event.key === "ArrowRight") action = () => follow("next");
  if (action) {
    event.preventDefault();
    action();
  }
});
