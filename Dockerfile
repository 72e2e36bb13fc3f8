# The brief's database container: PostgreSQL 16 with setup.sql loaded on first start.
#   docker build -t glofox-lead-challenge-db ./
#   docker run -d --name my-postgresdb-container -p 5432:5432 glofox-lead-challenge-db
# Then connect with jdbc:postgresql://localhost:5432/glofox, user postgres, password docker
# (or run `make run` with PGHOST=localhost PGPORT=5432 to build the project against it).
FROM postgres:16

# Demo credentials from the brief; not for production use.
ENV POSTGRES_PASSWORD=docker \
    POSTGRES_DB=glofox

# The official image runs every *.sql file in this folder once, on an empty data directory,
# with psql -v ON_ERROR_STOP=1 against POSTGRES_DB.
COPY setup.sql /docker-entrypoint-initdb.d/

EXPOSE 5432
