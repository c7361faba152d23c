"""The command line runs the same use cases and queries on a synchronous engine (psycopg)."""

from pathlib import Path

import pytest
from sqlalchemy import URL

from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.__package_name }}.__main__ import (
    main,
)


@pytest.fixture
def cli_database(
    database_url: URL, committed_database: Database, monkeypatch: pytest.MonkeyPatch
) -> Database:
    """The command line's settings point at the test database; its rows are removed after."""
    url = database_url.render_as_string(hide_password=False)
    monkeypatch.setenv("{{ cookiecutter.__package_name.upper() }}_DATABASE__URL", url)
    return committed_database


def write_csv(folder: Path, text: str) -> str:
    path = folder / "{{ cookiecutter.aggregate_plural }}.csv"
    path.write_text(text)
    return str(path)


def test_import_then_list(
    cli_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_csv(tmp_path, "title,description\nWrite docs,all\nShip it,\n")

    imported = main(["{{ cookiecutter.aggregate_plural }}", "import", file])
    listed = main(["{{ cookiecutter.aggregate_plural }}", "list", "--sort", "title", "--filter", "status:eq:open"])

    assert (imported, listed) == (0, 0)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "imported 2 {{ cookiecutter.aggregate_plural }}"
    assert [line.split("\t")[-1] for line in lines[1:]] == ["Ship it", "Write docs"]


def test_a_bad_row_imports_nothing_and_names_the_row(
    cli_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_csv(tmp_path, "title\nfine\n   \n")

    failed = main(["{{ cookiecutter.aggregate_plural }}", "import", file])
    main(["{{ cookiecutter.aggregate_plural }}", "list"])

    output = capsys.readouterr()
    assert failed == 1
    assert "row 2: the title must not be blank; nothing was imported" in output.err
    assert output.out == ""


def test_an_unknown_filter_is_refused_with_its_name(
    cli_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["{{ cookiecutter.aggregate_plural }}", "list", "--filter", "password:eq:x"]) == 1
    assert "cannot filter by 'password'" in capsys.readouterr().err
