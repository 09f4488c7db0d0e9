"""User-facing errors: the CLI prints these as one line and exits non-zero, never a traceback;
the REST API answers them as `{"code", "message", "detail"}` with the code's HTTP status.

ERRORS is the one registry of error codes. The CLI prints the code after the message
(`error: ... [AK-INPUT]`), the server puts it in every error body, and README.md lists them
(tests/test_errors.py checks that all three agree)."""

from __future__ import annotations

# code -> (HTTP status, what it means, in one line)
ERRORS: dict[str, tuple[int, str]] = {
    "AK-INPUT": (422, "a bad flag, setting, file or request value; the message says which"),
    "AK-DEPENDENCY": (500, "an optional extra is not installed; the message names it"),
    "AK-BUSY": (409, "another live process holds what this one needs (a folder's lock)"),
    "AK-JOB-NOT-FOUND": (404, "no job has this id"),
    "AK-JOB-STATE": (409, "the job's status does not allow this (cancel a finished job, ...)"),
    "AK-DATABASE": (503, "the job database cannot be opened or used"),
    "AK-IO": (500, "a file system error: disk full, permission denied, ..."),
    "AK-HUB": (502, "a push to the Hugging Face Hub failed (offline, no token); the model is kept"),
    "AK-INTERRUPTED": (499, "stopped by Ctrl-C"),
    "AK-AUTH": (401, "no API key, or not a valid one (`Authorization: Bearer ak_...`)"),
    "AK-FORBIDDEN": (403, "the API key's role may not do this (an admin route, another's job)"),
    "AK-NOT-FOUND": (404, "no such route, file or record"),
    "AK-VALIDATION": (422, "the request does not match the API's schema"),
    "AK-METHOD": (405, "the route does not take this HTTP method"),
    "AK-RANGE": (416, "a byte range outside the file"),
    "AK-TOO-LARGE": (413, "an upload over the server's limit"),
    "AK-UNSUPPORTED": (400, "a request field alignkit cannot honour (Llama Stack API); named"),
    "AK-HTTP": (400, "another HTTP error (the status says which)"),
    "AK-INTERNAL": (500, "an unexpected server error; the server's log has the traceback"),
    "AK-CONFLICT": (409, "the request conflicts with what is stored (a name taken, a full record)"),
    "AK-CSRF": (403, "a cookie-authenticated change without the session's X-CSRF-Token"),
}


def http_status(code: str) -> int:
    return ERRORS[code][0]


class AlignkitError(Exception):
    """A problem with the user's input or flags, explained in one line."""

    exit_code = 2
    code = "AK-INPUT"
    # JSON the REST API sends beside the message (which field, which limit, ...)
    detail: object = None


class DependencyError(AlignkitError):
    """An optional extra is missing: the message says what to pip install."""

    code = "AK-DEPENDENCY"


class HubError(AlignkitError):
    """A push to the Hugging Face Hub failed (`--push-to-hub`); the trained model is kept."""

    exit_code = 1
    code = "AK-HUB"


class BusyError(AlignkitError):
    """Another live process holds what this one needs (an output folder's lock)."""

    exit_code = 1
    code = "AK-BUSY"


class AuthError(AlignkitError):
    exit_code = 1
    code = "AK-AUTH"


class ForbiddenError(AlignkitError):
    exit_code = 1
    code = "AK-FORBIDDEN"


class NotFoundError(AlignkitError):
    """No such file or record (jobs have their own: JobNotFound)."""

    exit_code = 1
    code = "AK-NOT-FOUND"
