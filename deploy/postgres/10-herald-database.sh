#!/bin/sh
# Creates Herald's own role and database next to Temporal's. The postgres image runs this once,
# from /docker-entrypoint-initdb.d, when the data volume is first initialised (the superuser is
# POSTGRES_USER; Temporal's schema job creates the temporal and temporal_visibility databases).
# Changing HERALD_DB_PASSWORD later needs `ALTER ROLE herald PASSWORD '...'` or a new volume.
: "${HERALD_DB_USER:?HERALD_DB_USER is not set}"
: "${HERALD_DB_NAME:?HERALD_DB_NAME is not set}"
: "${HERALD_DB_PASSWORD:?HERALD_DB_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v herald_user="$HERALD_DB_USER" -v herald_db="$HERALD_DB_NAME" -v herald_password="$HERALD_DB_PASSWORD" <<'SQL'
CREATE ROLE :"herald_user" LOGIN PASSWORD :'herald_password';
CREATE DATABASE :"herald_db" OWNER :"herald_user";
SQL
