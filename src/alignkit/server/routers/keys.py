"""/api/keys (admin only): the same key management as `alignkit keys`."""

from __future__ import annotations

from fastapi import APIRouter, status

from alignkit.server import keys
from alignkit.server.deps import AdminKey, Store
from alignkit.server.schemas import KeyCreate, KeyCreated, KeyPublic

router = APIRouter(prefix="/api/keys", tags=["keys"])


@router.get("", response_model=list[KeyPublic])
def list_keys(store: Store, _: AdminKey):
    return keys.list_keys(store.engine)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
def create(body: KeyCreate, store: Store, _: AdminKey):
    """A new key; its token is in this answer only."""
    record, token = keys.create(store.engine, body.role, body.name)
    return KeyCreated(**KeyPublic.model_validate(record).model_dump(), token=token)


@router.delete("/{key_id}", response_model=KeyPublic)
def revoke(key_id: str, store: Store, _: AdminKey):
    return keys.revoke(store.engine, key_id)
