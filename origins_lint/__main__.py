"""Allow ``python -m origins_lint``."""

from origins_lint.cli import main

main()
