"""The web UI: server-rendered pages, the htmx partials they swap, their forms and URLs.

One module per area (dashboard, catalogue, sites, self-service, quotes, compare; the build
editor in the editor_* modules). Views stay thin: parse, authorise through
`configurator.tenancy.permissions`, call a selector or service, render.
"""
