"""Helpers shared by every app's `ddm` commands: errors, JSON output, serving."""

import json
from decimal import Decimal
from typing import IO, Any, NoReturn

import click


class DomainError(click.ClickException):
    """A user-facing failure (bad input, not found): one line on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise DomainError(message)


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def _default(value: object) -> str:

    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def echo_json(data: Any) -> None:
    """Print data as JSON (Decimals as strings: money never goes through float)."""
    click.echo(json.dumps(data, indent=2, default=_default, ensure_ascii=False))
