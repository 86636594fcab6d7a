"""Named permissions of accidents (role → permission: migration 0002_roles)."""

RECORD_ACCIDENTS = "accidents.record_accidents"
MANAGE_INVESTIGATIONS = "accidents.manage_investigations"
