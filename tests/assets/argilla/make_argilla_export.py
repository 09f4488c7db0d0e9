"""Write an Argilla 2.8 export of a small preference dataset with the argilla SDK's own exporter.

`dataset.records.to_datasets().to_json("export.jsonl")` is the export of the Argilla + TRL
guide; it needs a server (Elasticsearch/OpenSearch behind it), which cannot run here, so the
records are built as the SDK holds them after fetching (`_server_id`, and `status` as the
server computes it: completed once a response is submitted) and go through the same
exporter (HFDatasetsIO.to_datasets, then datasets' to_json: JSON lines).
    python make_argilla_export.py OUT.jsonl
"""

import sys
import uuid

import argilla as rg
from argilla._api._client import APIClient
from argilla.records._io import HFDatasetsIO

APIClient._validate_connection = lambda self: None  # no server: nothing is sent
client = rg.Argilla(api_url="http://127.0.0.1:6900", api_key="offline.export")
settings = rg.Settings(
    fields=[rg.TextField("prompt"), rg.TextField("response1"), rg.TextField("response2")],
    questions=[rg.LabelQuestion("preference", labels=["response1", "response2"])],
    metadata=[rg.TermsMetadataProperty("topic")],
)
dataset = rg.Dataset(name="preference-pairs", settings=settings, client=client)
U = [f"5f8b1c3e-{n}{n}{n}{n}-4a5b-9c7d-00000000000{n}" for n in (1, 2, 3)]
ITEMS = [
    (
        "What is the capital of Australia?",
        "Canberra.",
        "Sydney.",
        "geography",
        [
            ("response1", 0, "submitted"),
            ("response1", 1, "submitted"),
            ("response2", 2, "submitted"),
        ],
    ),
    (
        "How many legs does a spider have?",
        "Six.",
        "Eight.",
        "biology",
        [("response2", 0, "submitted"), ("response2", 1, "submitted")],
    ),
    (
        "Who wrote 'Pride and Prejudice'?",
        "Jane Austen.",
        "Charlotte Bronte.",
        "literature",
        [("response1", 0, "submitted")],
    ),
    (
        "What is 12 times 12?",
        "144.",
        "124.",
        "math",
        [("response1", 1, "submitted"), ("response2", 2, "draft")],
    ),
    (
        "What is the chemical symbol for gold?",
        "Ag.",
        "Au.",
        "chemistry",
        [("response2", 0, "submitted"), ("response1", 2, "discarded")],
    ),
    (
        "Which planet is known as the Red Planet?",
        "Mars.",
        "Venus.",
        "astronomy",
        [("response1", 0, "submitted"), ("response2", 1, "submitted")],
    ),
    ("What is the boiling point of water in Fahrenheit?", "212 °F.", "100 °F.", "physics", []),
    (
        "What is the largest ocean on Earth?",
        "The Pacific Ocean.",
        "The Atlantic Ocean.",
        "geography",
        [("response1", 2, "submitted"), ("response1", 0, "submitted")],
    ),
]
records = []
for i, (prompt, r1, r2, topic, responses) in enumerate(ITEMS):
    record = rg.Record(
        id=f"rec-{i + 1}",
        fields={"prompt": prompt, "response1": r1, "response2": r2},
        metadata={"topic": topic},
        responses=[rg.Response("preference", v, user_id=U[u], status=s) for v, u, s in responses],
        _server_id=uuid.UUID(int=i + 1),
    )
    submitted = any(s == "submitted" for _, _, s in responses)
    record._model.status = "completed" if submitted else "pending"
    records.append(record)
HFDatasetsIO.to_datasets(records, dataset).to_json(sys.argv[1])
print(f"wrote {len(records)} records to {sys.argv[1]}")
