// alignkit's web UI: the CSRF header on htmx's requests, and the annotate page's keys.
// All the page's script lives here (the CSP allows no inline script).
"use strict";

document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});

function say(text) {
  const status = document.getElementById("draft-status");
  if (status) status.textContent = text;
}

document.addEventListener("htmx:responseError", (event) => {
  const lease = event.detail.elt && event.detail.elt.id === "lease";
  say(lease ? "This record's lease was lost: reload the page."
    : `Could not save (HTTP ${event.detail.xhr.status}).`);
});

function submitAnswer(form) {
  if (!form.querySelector('input[name="choice"]:checked')) {
    say("Pick A (1), B (2) or tie (0) first.");
    return;
  }
  if (form.dataset.sent) return; // one submit per page (the server's idempotency key too)
  form.dataset.sent = "1";
  form.requestSubmit(document.getElementById("submit"));
}

function pick(value) {
  const radio = document.getElementById(`choice-${value}`);
  if (radio) radio.checked = true;
}

function toggle(id) {
  const box = document.getElementById(id);
  if (box) box.checked = !box.checked;
}

function follow(id) {
  const link = document.getElementById(id);
  if (link) window.location.assign(link.href);
}

document.addEventListener("keydown", (event) => {
  const form = document.getElementById("answer");
  if (!form) return;
  const target = event.target;
  const typing = target.tagName === "TEXTAREA" ||
    (target.tagName === "INPUT" && !["radio", "checkbox"].includes(target.type));
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && event.key.toLowerCase() === "s") {
    event.preventDefault();
    const draft = document.getElementById("save-draft");
    if (draft) draft.click();
    return;
  }
  if (event.key === "Enter" && (ctrl || (!typing && target.tagName !== "BUTTON"))) {
    event.preventDefault();
    submitAnswer(form);
    return;
  }
  if (typing || ctrl || event.altKey) return;
  const actions = {
    "1": () => pick("a"),
    "2": () => pick("b"),
    "0": () => pick("tie"),
    "f": () => toggle("flag-a"),
    "F": () => toggle("flag-b"),
    "ArrowLeft": () => follow("prev"),
    "ArrowRight": () => follow("next"),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});
