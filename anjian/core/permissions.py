"""Named permissions of the foundation.

Reads are governed by scope (anjian.core.scope): anyone may read what lies in
their jurisdiction. Writes and the audit log need a permission. Which role
holds which permission is data, loaded by the migration 0002_roles.
"""

MANAGE_PEOPLE = "core.manage_people"
MANAGE_ORGANISATIONS = "core.manage_organisations"
VIEW_AUDIT = "core.view_audit"
# Held by every administrator; only those of a region-level or the national bureau may use it
# (services.calendar_can_edit).
MANAGE_CALENDAR = "core.manage_calendar"
