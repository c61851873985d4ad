#!/bin/sh
# The app's processes for `make serve`: gunicorn and, beside it, the mail sender.
# Under Litestream this script is what `litestream replicate -exec` runs: a TERM or INT
# to it (Litestream passes its own on) stops both, and when gunicorn ends, so does the
# sender, and Litestream with them after a last sync.
: "${BIN:=.venv/bin}" "${WORKERS:=4}" "${PORT:=5000}"
"$BIN/flask" --app actionlearning send-mail --loop &
sender=$!
"$BIN/gunicorn" --workers "$WORKERS" --bind "127.0.0.1:$PORT" 'actionlearning:create_app()' &
app=$!
stopping=""
trap 'stopping=1; kill -TERM "$app" "$sender" 2>/dev/null' INT TERM
wait "$app"
status=$?
wait "$app" 2>/dev/null # a signal ends the first wait early: let gunicorn finish its requests
kill -TERM "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
[ -n "$stopping" ] && exit 0 # asked to stop, and stopped
exit "$status"
