"""The command line runs the same use cases and queries on a synchronous engine (psycopg)."""

from pathlib import Path

import pytest
from sqlalchemy import URL, Engine, text

from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.__package_name }}.__main__ import (
    main,
)
from tests.conftest import TEST_DATABASE_SETTINGS


@pytest.fixture
def cli_database(
    database_url: URL, committed_database: Database, monkeypatch: pytest.MonkeyPatch
) -> Database:
    """The command line's settings point at the test database; its rows are removed after."""
    url = database_url.render_as_string(hide_password=False)
    monkeypatch.setenv("{{ cookiecutter.__package_name.upper() }}_DATABASE__URL", url)
    pooling = str(TEST_DATABASE_SETTINGS.transaction_pooling)
    monkeypatch.setenv("{{ cookiecutter.__package_name.upper() }}_DATABASE__TRANSACTION_POOLING", pooling)
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


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("fine,\nextra,field,here\n", "row 2: the header names 2 fields, this row has 3"),
        ("short\n", "row 1: the header names 2 fields, this row has 1"),
        (f"long,{'x' * 20_000}\n", "row 1: the description must be at most 10000 characters"),
        ("a\x00b,\n", "row 1: title must not contain U+0000 (NUL); found at position 1"),
        # A bad row after the first batch of 1000 undoes the batches already stored.
        ("fine,\n" * 1500 + " ,\n", "row 1501: the title must not be blank"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(
    cli_database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: str,
    message: str,
) -> None:
    file = write_csv(tmp_path, "title,description\n" + rows)

    failed = main(["{{ cookiecutter.aggregate_plural }}", "import", file])
    main(["{{ cookiecutter.aggregate_plural }}", "list"])

    output = capsys.readouterr()
    assert failed == 1
    assert f"{message}; nothing was imported" in output.err
    assert "Traceback" not in output.err
    assert "INSERT" not in output.err
    assert output.out == ""


def test_a_header_naming_a_column_the_import_does_not_know_is_refused(
    cli_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_csv(tmp_path, "title,notes\nfine,kept nowhere\n")

    assert main(["{{ cookiecutter.aggregate_plural }}", "import", file]) == 1
    assert "the header must name title and may name description" in capsys.readouterr().err


def test_an_import_of_many_batches_stores_every_row(
    cli_database: Database,
    sync_engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = write_csv(tmp_path, "title\n" + "".join(f"t{n}\n" for n in range(2500)))

    imported = main(["{{ cookiecutter.aggregate_plural }}", "import", file])

    assert imported == 0
    assert capsys.readouterr().out == "imported 2500 {{ cookiecutter.aggregate_plural }}\n"
    with sync_engine.connect() as connection:
        stored = connection.scalar(text("SELECT count(*) FROM {{ cookiecutter.aggregate_plural }}"))
    assert stored == 2500


def test_an_unknown_filter_is_refused_with_its_name(
    cli_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["{{ cookiecutter.aggregate_plural }}", "list", "--filter", "password:eq:x"]) == 1
    assert "cannot filter by 'password'" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["0", "101", "9" * 30])
def test_a_limit_out_of_bounds_is_refused(
    cli_database: Database, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    assert main(["{{ cookiecutter.aggregate_plural }}", "list", "--limit", limit]) == 1
    assert "the limit must be from 1 to 100" in capsys.readouterr().err
