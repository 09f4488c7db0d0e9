"""Jobs over the feedback server's database that need models (candidate answers sampled from
a policy and its reference): above `server` (its store writes the records) and `models` (the
sampling), run as jobs in their own processes, never inside the web process."""
