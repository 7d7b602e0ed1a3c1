"""Adapters translate platform events into core calls and core replies into platform messages."""
