"""Alliance Bot: the history of the U.S.–Soviet alliance, 1941–1945, for Discord and Slack."""

__version__ = "0.1.0"
