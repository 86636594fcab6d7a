"""Named permissions of enforcement (role → permission: migration 0002_roles)."""

MANAGE_PLANS = "enforcement.manage_plans"
MANAGE_HAZARDS = "enforcement.manage_hazards"
HANDLE_CASES = "enforcement.handle_cases"
APPROVE_CASES = "enforcement.approve_cases"
REVIEW_CASES = "enforcement.review_cases"
