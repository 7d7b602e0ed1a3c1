"""The platform-neutral core: facts, commands and replies. Never imports a chat platform."""
