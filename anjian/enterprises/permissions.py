"""Named permissions of the registry (role → permission: migration 0002_roles)."""

MANAGE_ENTERPRISES = "enterprises.manage_enterprises"
