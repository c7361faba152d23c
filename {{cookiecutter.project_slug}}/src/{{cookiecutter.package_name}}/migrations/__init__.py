"""Alembic migrations; `alembic.ini` at the project root points here too."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection

SCRIPT_LOCATION = Path(__file__).parent


def alembic_config(url: URL | None = None, connection: Connection | None = None) -> Config:
    """Settings for Alembic's commands: run on `connection`, else connect to `url`."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["url"] = url
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(url: URL) -> None:
    command.upgrade(alembic_config(url), "head")
