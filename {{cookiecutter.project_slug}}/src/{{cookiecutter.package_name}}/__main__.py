"""`python -m {{ cookiecutter.package_name }}`: migrate the database, then serve the API."""

import uvicorn

from .app import create_app
from .migrations import upgrade_to_head
from .settings import Environment, Settings
from .shared_kernel.infrastructure.database import (
    Database,
    create_engine_from_settings,
    database_url,
)
from .shared_kernel.infrastructure.structured_logging import configure_logging


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, as_json=settings.environment is Environment.PRODUCTION)
    url = database_url(settings)
    upgrade_to_head(url)
    database = Database(create_engine_from_settings(url, settings.database))
    app = create_app(settings, database)
    # log_config=None: uvicorn's loggers go through the handler configured above.
    uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)


if __name__ == "__main__":
    main()
