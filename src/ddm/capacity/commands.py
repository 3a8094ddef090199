"""`ddm` commands of the capacity app (see ddm/cli.py)."""


def register(cli, import_group, report_group):
    """Attach this app's click commands to the ddm command groups."""
