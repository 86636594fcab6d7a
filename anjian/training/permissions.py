"""Named permissions of training (role → permission: migration 0002_roles)."""

MANAGE_TRAINING = "training.manage_training"
VIEW_ID_NUMBERS = "training.view_id_numbers"
