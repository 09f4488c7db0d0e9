"""/api/feedback: feedback datasets in a workspace, their records, next-record with its
lease, responses (drafts, submits with an idempotency key, edits with history, discards),
the export as preference pairs and the progress counts (server/feedback/)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from alignkit.errors import AlignkitError
from alignkit.jobs.store import utcnow
from alignkit.server.deps import Roots, Store
from alignkit.server.feedback import active, auth, export, importers, responses
from alignkit.server.feedback import store as fb
from alignkit.server.feedback.deps import Caller
from alignkit.server.feedback.schemas import (
    AssignmentPublic,
    ExportPublic,
    FeedbackDatasetCreate,
    FeedbackDatasetPublic,
    FeedbackDatasetUpdate,
    HistoryPublic,
    ProgressPublic,
    RecordPublic,
    RecordsCreate,
    RecordsCreated,
    ResponseCreate,
    ResponsePublic,
    ResponseUpdate,
)

router = APIRouter(prefix="/api/feedback", tags=["feedback"])


@router.post(
    "/workspaces/{workspace_id}/datasets", status_code=201, response_model=FeedbackDatasetPublic
)
def create_dataset(workspace_id: str, body: FeedbackDatasetCreate, store: Store, caller: Caller):
    auth.workspace_access(store.engine, workspace_id, caller.user_id, manage=True)
    return fb.create_dataset(
        store.engine, workspace_id, body.name, body.question.model_dump(), body.guidelines,
        body.min_submitted,
    )  # fmt: skip


@router.get("/workspaces/{workspace_id}/datasets", response_model=list[FeedbackDatasetPublic])
def list_datasets(workspace_id: str, store: Store, caller: Caller):
    auth.workspace_access(store.engine, workspace_id, caller.user_id, manage=False)
    return fb.list_datasets(store.engine, workspace_id)


@router.get("/datasets/{dataset_id}", response_model=FeedbackDatasetPublic)
def get_dataset(dataset_id: str, store: Store, caller: Caller):
    return fb.dataset(store.engine, dataset_id, caller.user_id)


@router.patch("/datasets/{dataset_id}", response_model=FeedbackDatasetPublic)
def update_dataset(dataset_id: str, body: FeedbackDatasetUpdate, store: Store, caller: Caller,
                   roots: Roots):  # fmt: skip
    """Change the dataset; `reward_model` attaches a reward model's run folder (a user's login
    names one inside the server's folders) or, null, detaches it."""
    if "reward_model" in body.model_fields_set:
        held = None if caller.key is not None else roots  # an admin key, as for its jobs
        active.attach(store.engine, dataset_id, caller.user_id, body.reward_model, held)
    values = body.model_dump(exclude={"reward_model"})
    return fb.update_dataset(store.engine, dataset_id, caller.user_id, **values)


@router.post("/datasets/{dataset_id}/records", status_code=201, response_model=RecordsCreated)
def add_records(dataset_id: str, body: RecordsCreate, store: Store, caller: Caller):
    """Prompts with their candidate answers, as a JSON list."""
    items = [r.model_dump() for r in body.records]
    return RecordsCreated(ids=fb.add_records(store.engine, dataset_id, caller.user_id, items))


@router.get("/datasets/{dataset_id}/records", response_model=list[RecordPublic])
def list_records(
    dataset_id: str, store: Store, caller: Caller,
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
):  # fmt: skip
    return fb.list_records(store.engine, dataset_id, caller.user_id, offset, limit)


class RejectedRow(BaseModel):
    row: int
    reason: str


class ImportPublic(BaseModel):
    filename: str
    format: str
    rows: int
    imported: int
    imported_rows: int
    merged: int
    ids: list[str]
    rejected: list[RejectedRow]
    notes: list[str]


@router.post("/datasets/{dataset_id}/import", status_code=201, response_model=ImportPublic)
def import_file(
    dataset_id: str, store: Store, caller: Caller,
    file: Annotated[UploadFile | None, File(description="Prompts + answers, or any export "
                                            "alignkit ingests (Argilla, Label Studio...)")] = None,
    format: Annotated[str, Form(description="records (prompt + answers, the default), auto, "
                                            "or an ingest format's name")] = "records",
    column_map: Annotated[str | None, Form(description="target=column items, as --map")] = None,
    seed: Annotated[int, Form(ge=0, description="Seed of the answers' order")] = 0,
):  # fmt: skip
    """Records from a file, every row accounted for: imported, or rejected with its reason
    (the admin page's import, feedback/importers.py). A file that cannot be read, or whose
    format is not detected, is a 422 with one line and imports nothing."""
    fb.dataset(store.engine, dataset_id, caller.user_id, manage=True)  # before the file's 422
    if file is None:
        raise AlignkitError("file: the records or the export to import")
    data = file.file.read(importers.imports.MAX_BYTES + 1)
    got = importers.import_upload(
        store.engine, dataset_id, caller.user_id, file.filename or "", data, format,
        column_map, seed,
    )  # fmt: skip
    return ImportPublic(
        filename=got.filename, format=got.format, rows=got.rows, imported=got.imported,
        imported_rows=got.rows_imported, merged=got.merged, ids=got.ids,
        rejected=[RejectedRow(row=r.row, reason=r.reason) for r in got.rejected],
        notes=got.notes,
    )  # fmt: skip


@router.get(
    "/datasets/{dataset_id}/next",
    response_model=AssignmentPublic,
    responses={204: {"description": "Nothing left for you to answer."}},
)
def next_record(dataset_id: str, store: Store, caller: Caller):
    """The record to answer next, leased to you (renew with PUT .../records/ID/lease while
    its page is open); your draft of it comes with it."""
    assignment = fb.next_record(store.engine, dataset_id, caller.user_id)
    if assignment is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return assignment


@router.put("/records/{record_id}/lease", response_model=AssignmentPublic)
def renew_lease(record_id: str, store: Store, caller: Caller):
    return fb.renew_lease(store.engine, record_id, caller.user_id)


@router.delete("/records/{record_id}/lease", status_code=204)
def release_lease(record_id: str, store: Store, caller: Caller) -> Response:
    fb.release_lease(store.engine, record_id, caller.user_id)
    return Response(status_code=204)


@router.post(
    "/records/{record_id}/responses",
    status_code=201,
    response_model=ResponsePublic,
    responses={200: {"model": ResponsePublic, "description": "A retry: the first response."}},
)
def respond(
    record_id: str, body: ResponseCreate, store: Store, caller: Caller,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
):  # fmt: skip
    """Submit (or save a draft of) your answer. A retry with the same Idempotency-Key (header
    or body) returns the first response with 200; without a live lease, a record that has
    all its responses is a 409."""
    key = idempotency_key or body.idempotency_key
    record, made = responses.respond(
        store.engine, record_id, caller.user_id, body.value, body.status, key
    )
    payload = ResponsePublic.model_validate(record).model_dump(mode="json")
    return JSONResponse(payload, status_code=201 if made else 200)


@router.get("/records/{record_id}/response", response_model=ResponsePublic)
def my_response(record_id: str, store: Store, caller: Caller):
    """Your response to the record: a draft survives a reload."""
    return responses.my_response(store.engine, record_id, caller.user_id)


@router.post("/records/{record_id}/discard", response_model=ResponsePublic)
def discard(record_id: str, store: Store, caller: Caller):
    return responses.discard(store.engine, record_id, caller.user_id)


@router.put("/responses/{response_id}", response_model=ResponsePublic)
def edit_response(response_id: str, body: ResponseUpdate, store: Store, caller: Caller):
    """Change your response; what it was is kept in its history."""
    engine = store.engine
    return responses.edit_response(engine, response_id, caller.user_id, body.value, body.status)


@router.get("/responses/{response_id}/history", response_model=list[HistoryPublic])
def history(response_id: str, store: Store, caller: Caller):
    return responses.history(store.engine, response_id, caller.user_id)


@router.get("/datasets/{dataset_id}/export", response_model=ExportPublic)
def export_dataset(dataset_id: str, store: Store, caller: Caller):
    """The submitted responses in alignkit's canonical shape: preference pairs
    (prompt/chosen/rejected, h flags) or KTO rows (prompt/completion/label)."""
    return export.export(store.engine, dataset_id, caller.user_id)


@router.get("/datasets/{dataset_id}/progress", response_model=ProgressPublic)
def progress(dataset_id: str, store: Store, caller: Caller):
    return export.progress(store.engine, dataset_id, caller.user_id, utcnow())
