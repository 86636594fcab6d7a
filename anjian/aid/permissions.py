"""Named permissions of support and aid (role → permission: migration 0002_roles)."""

KEEP_AID = "aid.keep_aid"
SUPERVISE_AID = "aid.supervise_aid"
KEEP_CAPABILITY = "aid.keep_capability"
