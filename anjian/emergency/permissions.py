"""Named permissions of emergency rescue command (role → permission: migration 0002_roles)."""

MANAGE_EMERGENCY = "emergency.manage_emergency"
COMMAND_INCIDENTS = "emergency.command_incidents"
