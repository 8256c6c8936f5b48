"""`python -m cli`: the gridmap command (what `gridmap serve` starts its notifier with)."""

from cli import main

main()
