"""`ddm` commands of the profiles app (see ddm/cli.py)."""


def register(cli, import_group, report_group):
    """Attach this app's click commands to the ddm command groups."""
