"""Where the project lives and which PostgreSQL it talks to.

One rule decides the server: if PGHOST or PGPORT is set, the project uses that server (any
PostgreSQL 16 reachable with the libpq variables); otherwise it uses the embedded server that
`glofox db start` runs from the `pgserver` wheel. PGUSER, PGPASSWORD and PGDATABASE override
the brief's demo defaults (postgres / docker / glofox) for either server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo

DEMO_USER = "postgres"
DEMO_PASSWORD = "docker"  # the brief's local demo password, not a secret
DEMO_DATABASE = "glofox"


def project_root() -> Path:
    """The folder holding dbt_project.yml: $GLOFOX_PROJECT_DIR, else the nearest ancestor of cwd."""
    env = os.environ.get("GLOFOX_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    # Installed in editable mode from the repository: src/glofox/settings.py -> repo root.
    repo = Path(__file__).resolve().parents[2]
    if (repo / "dbt_project.yml").is_file():
        return repo
    raise SystemExit(
        "glofox: cannot find dbt_project.yml; run from inside the glofox-analytics clone "
        "or set GLOFOX_PROJECT_DIR."
    )


def state_dir() -> Path:
    """Everything the embedded server writes lives here; `make clean` removes it."""
    return project_root() / ".glofox"


def uses_external_server() -> bool:
    return bool(os.environ.get("PGHOST") or os.environ.get("PGPORT"))


@dataclass(frozen=True)
class Connection:
    host: str
    port: int
    user: str
    password: str
    database: str

    def env(self) -> dict[str, str]:
        """The libpq variables for this connection (dbt's profiles.yml reads the same ones)."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.database,
        }

    def conninfo(self, database: str | None = None) -> str:
        """A libpq connection string with every value quoted by libpq's rules, so a password
        (or any value) with spaces, quotes or `=` in it is passed as it is and cannot add
        other parameters."""
        return make_conninfo(
            host=self.host,
            port=str(self.port),
            user=self.user,
            password=self.password,
            dbname=database or self.database,
        )

    def jdbc_url(self) -> str:
        host = "localhost" if self.host == "127.0.0.1" else self.host
        return f"jdbc:postgresql://{host}:{self.port}/{self.database}"

    def describe(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


def _port_from_environment() -> int:
    text = os.environ.get("PGPORT") or "5432"
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise SystemExit(
            f"glofox: PGPORT={text!r} is not a TCP port (1-65535). Set PGPORT to the port of "
            "your PostgreSQL server, or unset PGHOST and PGPORT to use the embedded server."
        )
    return port


def connection(embedded_port: int | None = None) -> Connection:
    """The connection the project uses now (see the module docstring for the rule)."""
    if uses_external_server():
        host = os.environ.get("PGHOST", "127.0.0.1")
        port = _port_from_environment()
    else:
        host = "127.0.0.1"
        port = embedded_port if embedded_port is not None else 5432
    return Connection(
        host=host,
        port=port,
        user=os.environ.get("PGUSER", DEMO_USER),
        password=os.environ.get("PGPASSWORD", DEMO_PASSWORD),
        database=os.environ.get("PGDATABASE", DEMO_DATABASE),
    )
