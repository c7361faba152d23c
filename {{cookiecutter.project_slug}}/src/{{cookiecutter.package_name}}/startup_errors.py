"""Why the service could not start, in one line a person can act on.

The line names the setting to change and never quotes a value that may be secret; the
traceback is logged at DEBUG only.
"""

import re

from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy import URL

from .shared_kernel.infrastructure.outages import is_outage
from .shared_kernel.infrastructure.sql_errors import sqlstate

ENV_PREFIX = "{{ cookiecutter.__env_prefix }}"

# SQLSTATEs the server answers a connection with, in words.
CONNECTION_REFUSALS = {
    "3D000": "the database does not exist",
    "28P01": "the password was refused",
    "28000": "the user is not allowed to connect",
    "53300": "the server has too many connections",
    "57P03": "the server is starting up or shutting down",
}


class StartupError(Exception):
    """The service cannot start; the message says why and what to change."""


def settings_error(error: ValidationError) -> StartupError:
    """One line per refused setting, each named as its environment variable."""
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        setting = ENV_PREFIX + "__".join(str(part) for part in problem["loc"]).upper()
        cause = problem.get("ctx", {}).get("error")
        message = str(cause) if problem["type"] == "value_error" and cause else problem["msg"]
        lines.append(f"{setting}: {message}" if problem["loc"] else message)
    return StartupError("invalid settings: " + "; ".join(lines))


def malformed_setting_error(error: SettingsError) -> StartupError:
    """A setting whose text could not be parsed (malformed JSON), named as its variable."""
    # pydantic-settings names the field, never the value: 'error parsing value for field "x"'.
    field = re.search(r'field "([^"]+)"', str(error))
    setting = f"{ENV_PREFIX}{field.group(1).upper()}" if field else "a setting"
    return StartupError(f"invalid settings: {setting}: not valid JSON")


def url_error() -> StartupError:
    """A database URL that cannot be parsed; its text, password included, is not repeated."""
    return StartupError(
        f"invalid settings: {ENV_PREFIX}DATABASE__URL: not a database URL "
        "(postgresql://user:password@host:port/database)"
    )


def database_error(error: Exception, url: URL | None) -> StartupError | None:
    """The start-up error for a database that cannot be reached, or None for another error."""
    if not is_outage(error):
        return None
    code = sqlstate(error)
    if code in CONNECTION_REFUSALS:
        reason = CONNECTION_REFUSALS[code]
    elif isinstance(error, ConnectionRefusedError):
        reason = "the connection was refused: is the server running?"
    elif isinstance(error, TimeoutError):
        reason = "the server did not answer in time"
    elif isinstance(error, OSError) and error.strerror:
        reason = error.strerror
    else:
        reason = f"{type(error).__name__}{f' (SQLSTATE {code})' if code else ''}"
    where = "" if url is None else f" {url.render_as_string(hide_password=True)}"
    return StartupError(
        f"cannot connect to the database{where}: {reason}; check {ENV_PREFIX}DATABASE__URL"
    )
