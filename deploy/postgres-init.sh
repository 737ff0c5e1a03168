#!/bin/sh
# Runs once, when the compose file's PostgreSQL starts on an empty volume: one database and
# owner for Airflow's metadata, one for warday's data, and the analysts' login, a member of
# the read-only warday_analyst role that `warday migrate` grants the views to.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v airflow_pw="$AIRFLOW_DB_PASSWORD" -v warday_pw="$WARDAY_DB_PASSWORD" \
    -v analyst="$WARDAY_ANALYST_USER" -v analyst_pw="$WARDAY_ANALYST_PASSWORD" <<'SQL'
CREATE ROLE airflow LOGIN PASSWORD :'airflow_pw';
CREATE DATABASE airflow OWNER airflow;
CREATE ROLE warday LOGIN PASSWORD :'warday_pw';
CREATE DATABASE warday OWNER warday;
CREATE ROLE warday_analyst NOLOGIN;
CREATE ROLE :"analyst" LOGIN PASSWORD :'analyst_pw' IN ROLE warday_analyst;
REVOKE ALL ON DATABASE airflow FROM PUBLIC;
REVOKE ALL ON DATABASE warday FROM PUBLIC;
GRANT CONNECT ON DATABASE warday TO warday_analyst;
SQL
