#!/bin/sh
# One-shot Temporal schema setup on PostgreSQL, run by the temporalio/admin-tools image before the
# server starts (the replacement for the deprecated temporalio/auto-setup image), and by Herald's
# TEMPORAL_MODE=server before it starts the server it built (src/infra/temporal-server.ts).
# These are the commands of Temporal's own compose files (temporalio/samples-server,
# compose/scripts/setup-postgres.sh); each is idempotent, so this can run again on every start.
# The password comes from SQL_PASSWORD, which temporal-sql-tool reads itself. The schemas are the
# ones embedded in temporal-sql-tool, so they always match the tool's (and the server's) version.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"

# The admin-tools image has nc; where it is missing (Herald starts this once PostgreSQL answers),
# the first temporal-sql-tool call reports an unreachable server.
if command -v nc >/dev/null 2>&1; then
  echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
  until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do sleep 1; done
fi

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup() {
  db="$1"
  schema="$2"
  echo "Setting up schema ${schema} in database ${db}..."
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema --schema-name "$schema"
}

setup "$DBNAME" postgresql/v12/temporal
setup "$VISIBILITY_DBNAME" postgresql/v12/visibility
echo "Temporal schema setup complete"
