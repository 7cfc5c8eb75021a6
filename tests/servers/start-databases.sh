#!/usr/bin/env bash
# Installs (Debian packages, as root) and starts PostgreSQL and MariaDB on loopback, with the test user and
# database the suites use. Idempotent: what is installed, running or created already is left as it is.
# Used by build.ps1 -Task Test (and -Task Servers); the tests fail, never skip, when a server is missing.
set -euo pipefail
cd /   # su postgres runs psql here: a folder every user can enter

USER_NAME=vmeventops
DATABASE=vmeventops
PASSWORD="${VMEVENTOPSTEST_DB_PASSWORD:-vmeventops-test-Pa55}"

need_install=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_install+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || need_install+=(mariadb-server)
if [ ${#need_install[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "start-databases: ${need_install[*]} missing and not root: install them (apt-get install ${need_install[*]})." >&2
    exit 1
  fi
  echo "start-databases: installing ${need_install[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

# PostgreSQL: the Debian cluster, listening on loopback only.
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then pg_createcluster "$version" main >/dev/null; fi
cluster=$(pg_lsclusters -h | head -1 | awk '{print $1" "$2}')
if ! pg_lsclusters -h | head -1 | grep -q online; then
  pg_ctlcluster $cluster start -- -o "-c listen_addresses=127.0.0.1"
fi
for i in $(seq 1 30); do su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='$USER_NAME'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role $USER_NAME login password '$PASSWORD'\""
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='$DATABASE'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create database $DATABASE owner $USER_NAME\""

# MariaDB: started directly (no init system in containers), loopback only.
if ! mariadb-admin ping >/dev/null 2>&1; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
  (mariadbd-safe --bind-address=127.0.0.1 --port=3306 >/dev/null 2>&1 &)
  for i in $(seq 1 60); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 1; done
fi
mariadb -e "CREATE DATABASE IF NOT EXISTS $DATABASE; CREATE USER IF NOT EXISTS '$USER_NAME'@'%' IDENTIFIED BY '$PASSWORD'; CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$PASSWORD'; GRANT ALL ON $DATABASE.* TO '$USER_NAME'@'%'; GRANT ALL ON $DATABASE.* TO '$USER_NAME'@'localhost'; FLUSH PRIVILEGES;"

echo "start-databases: PostgreSQL $(su postgres -c "psql -qAtc 'show server_version'") on 127.0.0.1:5432, MariaDB $(mariadb -N -e 'select version()') on 127.0.0.1:3306; user $USER_NAME, database $DATABASE"
