"""One router per domain: jobs (and their files), datasets, keys."""
