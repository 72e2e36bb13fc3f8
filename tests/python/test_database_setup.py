"""`glofox db start` loads setup.sql section by section, never over a loaded section."""

from __future__ import annotations

import tempfile

from glofox import database
from harness import PROJECT_ROOT, ScratchDatabase


def test_setup_sql_has_a_section_for_every_known_table_group():
    sections = database.setup_sections((PROJECT_ROOT / "setup.sql").read_text(encoding="utf-8"))
    assert list(sections) == list(database.SECTION_TABLES)
    for name, text in sections.items():
        assert text.startswith(f"-- >>> section: {name}")
        assert text.rstrip().splitlines()[-1].startswith(f"-- <<< section: {name}")


def test_brief_container_keeps_its_tables_and_gets_only_the_missing_sections():
    db = ScratchDatabase("setup_sections")
    try:
        # The brief's container: only the glofox section loaded, with its own (different) data.
        glofox = database.setup_sections((PROJECT_ROOT / "setup.sql").read_text("utf-8"))["glofox"]
        with tempfile.NamedTemporaryFile("w", suffix=".sql") as part:
            part.write(glofox)
            part.flush()
            db.load_sql_file(part.name)
        db.execute("insert into public.dim_branch (branch_id) values ('their-own-branch')")
        branches_before = db.query("select count(*) from public.dim_branch")[0][0]

        loaded = database.load_missing_sections(db.conn, log=lambda _: None)

        assert loaded == ["app", "experiments"]
        assert db.query("select count(*) from public.dim_branch")[0][0] == branches_before
        assert db.query("select count(*) from app.users")[0][0] > 0
        assert database.missing_setup_tables(db.conn) == []
        # A second start loads nothing.
        assert database.load_missing_sections(db.conn, log=lambda _: None) == []
    finally:
        db.drop()
