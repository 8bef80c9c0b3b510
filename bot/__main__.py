"""`python -m bot` is the same as the `claimbot` script."""

from bot.cli import main

raise SystemExit(main())
