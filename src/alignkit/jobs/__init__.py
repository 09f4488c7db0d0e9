"""Jobs: every train/eval run is a row in the job store (store.py, over SQLite or PostgreSQL),
started by a worker as its own process. Importing this package loads nothing heavy: the store
and its SQLAlchemy models load from their own modules."""
