"""Map layers described as data: see layers/registry.py."""
