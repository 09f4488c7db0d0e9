"""Alembic migrations of the job store, shipped inside the package and applied by
`alignkit.jobs.db.upgrade` (no alembic.ini). To add one after changing models.py:

    from alembic import command
    from alignkit.jobs import db
    engine = db.make_engine("sqlite:////tmp/scratch.db"); db.upgrade(engine)
    with engine.begin() as conn:
        command.revision(db._alembic_config(conn), "what changed", autogenerate=True)

then read the generated file in versions/ and fix what autogenerate cannot know."""
