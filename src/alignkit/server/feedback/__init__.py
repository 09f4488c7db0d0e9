"""The Collect domain: workspaces and users with roles (auth.py), feedback datasets, records,
the lease that distributes them and responses (store.py), the export and progress (export.py).
The tables (models.py) live on the job store's Base; migration 0004 made them."""
