"""Intake of projects and budgets: one pipeline shared by the CLI, the web upload and the API."""
