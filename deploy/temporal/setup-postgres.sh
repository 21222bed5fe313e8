#!/bin/sh
# One-shot Temporal schema setup on PostgreSQL, run by the temporalio/admin-tools image before the
# server starts (the replacement for the deprecated temporalio/auto-setup image). These are the
# commands of Temporal's own compose files (temporalio/samples-server, compose/scripts/setup-postgres.sh);
# each is idempotent, so the job can run again on every `docker compose up`.
# The password comes from SQL_PASSWORD, which temporal-sql-tool reads itself.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do sleep 1; done

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup() {
  db="$1"
  dir="$2"
  echo "Setting up schema of database ${db}..."
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$dir"
}

setup "$DBNAME" "$SCHEMA_DIR/temporal/versioned"
setup "$VISIBILITY_DBNAME" "$SCHEMA_DIR/visibility/versioned"
echo "Temporal schema setup complete"
