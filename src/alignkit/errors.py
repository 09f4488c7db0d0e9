"""User-facing errors: the CLI prints these as one line and exits non-zero, never a traceback."""


class AlignkitError(Exception):
    """A problem with the user's input or flags, explained in one line."""

    exit_code = 2


class BusyError(AlignkitError):
    """Another live process holds what this one needs (an output folder's lock)."""

    exit_code = 1
