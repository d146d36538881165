"""The duty tables' migration history; the feature is mobilisation/ (see apps.py)."""
