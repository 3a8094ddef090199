"""`ddm` commands of the investment app: reports here, intake commands in intake/commands.py."""

from ddm.investment.intake import commands as intake_commands


def register(cli, import_group, report_group):
    intake_commands.register(cli, import_group, report_group)
