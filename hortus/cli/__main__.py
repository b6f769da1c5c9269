"""``python -m hortus.cli``."""

from hortus.cli import main

main()
