"""The annotator's web UI, server-rendered: Jinja2 templates (autoescaped: model text is
untrusted) and htmx, shipped in static/ with its licence (nothing loads from a CDN). The routes
(router.py) call the same store functions as the REST API (server/feedback/); web.py holds
the page machinery: templates, the session and its CSRF check for forms, the CSP header and
HTML error pages."""
