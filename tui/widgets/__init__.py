"""Reusable widgets: the accounts, sessions and roles tables and the status line."""
