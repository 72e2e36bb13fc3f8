"""The harness itself: a scratch database is real, empty and isolated."""

from harness import ScratchDatabase


def test_scratch_database_is_real_postgres_16_and_empty():
    db = ScratchDatabase("harness")
    try:
        version = db.query("show server_version_num")[0][0]
        assert int(version) // 10000 == 16
        tables = db.query(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        )[0][0]
        assert tables == 0
    finally:
        db.drop()
