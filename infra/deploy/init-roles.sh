#!/bin/sh
# PostgreSQL image's first-start hook (compose.yaml): creates the console's roles from roles.sql with the passwords
# from the compose secrets.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v owner_pw="$(cat /run/secrets/owner-password)" -v console_pw="$(cat /run/secrets/console-password)" \
  -v witness_pw="$(cat /run/secrets/witness-password)" -f /docker-entrypoint-initdb.d/10-roles.sql.in
