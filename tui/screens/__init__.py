"""Workflows, one per screen: accounts and sessions (main), the roles inspector, help."""
