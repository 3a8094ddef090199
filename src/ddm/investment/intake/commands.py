"""`ddm import projects` and `ddm organisations` (registered by ddm.investment.commands)."""


def register(cli, import_group, report_group):
    """Attach the intake commands."""
