"""Alembic migrations; `alembic.ini` at the project root points here too."""

import itertools
import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine

logger = logging.getLogger(__name__)

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


def is_migrated(connection: Connection) -> bool:
    """Whether the database has this version's newest revisions, or a later version's (one
    this version does not know: during a roll back, expand and contract keep them compatible)."""
    current = set(MigrationContext.configure(connection).get_current_heads())
    script = ScriptDirectory.from_config(alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    return bool(current) and (not current <= known or set(script.get_heads()) <= current)


def wait_until_migrated(engine: Engine, poll_seconds: float = 1.0) -> None:
    """Return once `is_migrated`: what a new version waits for before it serves."""
    for attempt in itertools.count():
        with engine.connect() as connection:
            if is_migrated(connection):
                return
        if attempt == 0:
            logger.info("waiting for this version's migrations (the `migrate` command)")
        time.sleep(poll_seconds)
