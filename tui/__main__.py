"""`python -m tui` runs the same entry point as the `entra-aws` command."""

from tui.cli import main

raise SystemExit(main())
