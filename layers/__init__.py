"""Map layer registry."""
