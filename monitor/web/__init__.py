"""The web triage queue (`arcwatch serve`)."""
