-- setup.sql: the brief's database, recreated with sample data written by us.
-- Loaded by `make run` into the embedded server, and by the Docker image's init script
-- (docker-entrypoint-initdb.d) for users with Docker. Each section below is self-contained.

-- >>> section: glofox (lead conversions, spec lead-conversions.md)
-- <<< section: glofox

-- >>> section: app (user activity, spec user-activity.md)
-- <<< section: app

-- >>> section: experiments (spec experiments.md)
-- <<< section: experiments
