"""Every error the API answers has the body `{"code": "AK-...", "message": "...", "detail": ...}`
with the code's status from alignkit.errors.ERRORS: alignkit's own errors, FastAPI's request
validation, Starlette's HTTP errors (unknown route, wrong method) and anything unexpected."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from alignkit.errors import ERRORS, AlignkitError, http_status

log = logging.getLogger("alignkit.server")
# Starlette's own HTTP errors -> the registry's codes
_BY_STATUS = {401: "AK-AUTH", 403: "AK-FORBIDDEN", 404: "AK-NOT-FOUND", 405: "AK-METHOD"}
_BY_STATUS |= {413: "AK-TOO-LARGE", 416: "AK-RANGE", 422: "AK-VALIDATION"}


def error_response(
    code: str, message: str, detail: Any = None, status: int | None = None, headers=None
) -> JSONResponse:
    assert code in ERRORS, code
    body = {"code": code, "message": message, "detail": jsonable_encoder(detail)}
    return JSONResponse(body, status_code=status or http_status(code), headers=headers)


def _where(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p not in ("body",)) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(AlignkitError)
    async def _alignkit(_: Request, exc: AlignkitError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.code == "AK-AUTH" else None
        return error_response(exc.code, str(exc), exc.detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        message = f"{_where(tuple(first.get('loc', ())))}: {first.get('msg', 'invalid')}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        detail = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in errors]
        return error_response("AK-VALIDATION", message, detail)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        code = _BY_STATUS.get(exc.status_code, "AK-HTTP")
        return error_response(code, str(exc.detail), status=exc.status_code, headers=exc.headers)

    @app.exception_handler(OSError)
    async def _os(request: Request, exc: OSError) -> JSONResponse:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return error_response("AK-IO", f"{exc.strerror or exc}")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s", request.method, request.url.path)
        return error_response("AK-INTERNAL", f"internal error ({type(exc).__name__})")
