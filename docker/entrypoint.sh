#!/bin/sh
# Roles of the QMS image.  The database URI and secrets come from the
# environment (TRYTOND_DATABASE__URI, QMS_DB, QMS_ADMIN_PASSWORD, ...).
set -eu
DB=${QMS_DB:-qms}
LOGCONF=/etc/trytond/logging.conf
case "${1:-web}" in
update)
    # create the database on first start, then activate/upgrade the modules
    passfile=$(mktemp)
    printf '%s\n' "${QMS_ADMIN_PASSWORD:?set QMS_ADMIN_PASSWORD}" > "$passfile"
    TRYTONPASSFILE="$passfile" trytond-admin -d "$DB" --all -l zh_CN \
        --email "${QMS_ADMIN_EMAIL:-admin@example.com}" --logconf "$LOGCONF"
    rm -f "$passfile"
    exec trytond-admin -d "$DB" -u qms_sales qms_trace qms_aftersales \
        --activate-dependencies -l zh_CN --logconf "$LOGCONF"
    ;;
web)
    export TRYTOND_DATABASE_NAMES="$DB"
    exec gunicorn --bind 0.0.0.0:8000 --workers "${QMS_WEB_WORKERS:-4}" \
        --timeout 120 --access-logfile - trytond.application:app
    ;;
cron)
    exec trytond-cron -d "$DB" --logconf "$LOGCONF"
    ;;
worker)
    exec trytond-worker -d "$DB" --logconf "$LOGCONF"
    ;;
*)
    exec "$@"
    ;;
esac
