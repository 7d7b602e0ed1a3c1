"""``python -m bot`` runs the same command line as ``alliance-bot``."""

from bot.cli import main

raise SystemExit(main())
