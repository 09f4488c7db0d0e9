"""Build a small pairwise project on a running Label Studio and download its exports.

Run against `label-studio start --enable-legacy-api-token --user-token TOKEN` (SQLite):
    python make_exports.py http://localhost:8089 TOKEN OUTDIR
Every step goes through Label Studio's REST API; the three exports are what
GET /api/projects/{id}/export?exportType=JSON|JSON_MIN|CSV returns, byte for byte.
"""

import json
import sys
import urllib.request
from pathlib import Path

BASE, TOKEN, OUT = sys.argv[1], sys.argv[2], Path(sys.argv[3])

# Label Studio's "Human Preference collection for RLHF" template (Pairwise tag), without styles
CONFIG = """<View>
  <Text name="prompt" value="$prompt"/>
  <Pairwise name="comparison" toName="answer1,answer2"/>
  <Text name="answer1" value="$answer1"/>
  <Text name="answer2" value="$answer2"/>
</View>"""

TASKS = [
    {
        "prompt": "What is the boiling point of water at sea level?",
        "answer1": "Water boils at 100 °C (212 °F) at sea level.",
        "answer2": "Water boils at 90 °C, give or take.",
    },
    {
        "prompt": "Name a prime number between 10 and 20, please.",
        "answer1": "15 is prime.",
        "answer2": "13 is prime; so are 11, 17 and 19.",
    },
    {
        "prompt": 'Write a one-line greeting that says "hello" to a new colleague.',
        "answer1": "Hello, and welcome aboard! We're glad you're here, \"new colleague\".",
        "answer2": "Go away.",
    },
    {
        "prompt": "Which is heavier, a kilogram of feathers or a kilogram of iron?",
        "answer1": "They weigh the same:\none kilogram each.",
        "answer2": "Iron, obviously, because it is denser.",
    },
    {
        "prompt": "Translate 'good morning' into French.",
        "answer1": "Bonjour.",
        "answer2": "Bonsoir, mon ami 🌙",
    },
    {
        "prompt": "How many continents are there on Earth?",
        "answer1": "There are seven continents, by the most common convention.",
        "answer2": "There are four continents.",
    },
]
# per task: (user id, picked side or None for a skipped/cancelled annotation)
ANNOTATIONS = [
    [(1, "left")],  # one annotation
    [(1, "right")],  # one annotation, the right answer preferred
    [(1, "left"), (2, "left")],  # two annotations that agree
    [(1, "left"), (2, "right")],  # two that disagree: no majority
    [(1, None)],  # the only annotation was skipped (cancelled)
    [(2, "left"), (1, None)],  # one annotation and one skipped
]


def call(method, path, body=None, raw=False):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", f"Token {TOKEN}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as resp:
        payload = resp.read()
    return payload if raw else json.loads(payload or b"null")


project = call(
    "POST", "/api/projects", {"title": "alignkit pairwise fixture", "label_config": CONFIG}
)
pid = project["id"]
call("POST", f"/api/projects/{pid}/import", TASKS)
tasks = sorted(
    call("GET", f"/api/tasks?project={pid}&page_size=100")["tasks"], key=lambda t: t["id"]
)
for task, anns in zip(tasks, ANNOTATIONS):
    for user, side in anns:
        body = {"completed_by": user, "lead_time": 3.5, "result": []}
        if side is None:
            body["was_cancelled"] = True
        else:
            body["result"] = [
                {
                    "from_name": "comparison",
                    "to_name": "comparison",
                    "type": "pairwise",
                    "value": {"selected": side},
                    "origin": "manual",
                }
            ]
        call("POST", f"/api/tasks/{task['id']}/annotations", body)
OUT.mkdir(parents=True, exist_ok=True)
for kind, name in (("JSON", "export.json"), ("JSON_MIN", "export-min.json"), ("CSV", "export.csv")):
    (OUT / name).write_bytes(call("GET", f"/api/projects/{pid}/export?exportType={kind}", raw=True))
print(f"project {pid}: wrote", ", ".join(p.name for p in sorted(OUT.iterdir())))
