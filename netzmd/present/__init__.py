"""Presentation: text and JSON output, a contact as text, Jinja rendering in a sandbox."""
