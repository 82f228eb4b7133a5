"""Writes of sites, builds and lines: every change to a build goes through these modules.

Signatures (keyword-only; line references accept a BuildLine or its pk):

sites.py
- site_create(*, organisation, name, **fields) -> Site
- site_update(*, site, **fields) -> Site
- site_delete(*, site) -> None                      Conflict while builds exist

builds.py
- build_create(*, site, name, policy_override=None, user) -> Build
- build_update(*, build, expected_revision, **fields) -> Build   (name, policy_override, status)
- build_delete(*, build, expected_revision=None) -> None   (added: Conflict when approved)
- build_clone(*, build, name=None, site=None, user) -> Build
- build_apply_to_site(*, build, site, user, auth=None) -> Build
- build_approve(*, build, user, expected_revision=None) -> Build

lines.py
- build_line_add(*, build, component, quantity=1, rack=None, position_u=None, face="front",
  feed_a=None, feed_b=None, ups=None, phase=None, note="", expected_revision=None) -> BuildLine
- build_line_update(*, line, expected_revision=None, **fields) -> BuildLine
  (fields: quantity, rack, position_u, face, feed_a, feed_b, ups, phase, note, sort_order)
- build_line_remove(*, line, cascade=False, expected_revision=None) -> None

placement/ (checks.py, auto.py)
- build_auto_place(*, build, expected_revision=None) -> list[Placement]
- check_line(candidate, lines): the checks of a line against the rest of its build

reports.py (the report cache: every reader of a build's report calls one of these)
- build_report_get(*, build) -> StoredReport                       one build, report in full
- build_reports_get(*, builds, full=False) -> list[StoredReport]   lists: summaries
- build_report_with_spec(*, build) -> (BuildSpec, StoredReport)    the editor
- build_reports_refresh(*, builds, before=None) -> list[Refreshed]  fleet jobs, rows locked

Every build write locks the build row, compares `expected_revision` (None = do not check)
with the stored revision, and bumps the revision (guards.py); a mismatch raises
PreconditionFailed and the transaction leaves nothing changed.
"""
