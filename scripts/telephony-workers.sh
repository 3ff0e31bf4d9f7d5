#!/usr/bin/env bash
# One telephony worker per switch: TELEPHONY_SWITCHES="10.0.0.5:8021,10.0.0.6:8021" (the ESL
# password from TELEPHONY_ESL_PASSWORD). Used by Procfile.production (`make serve`); with systemd,
# the template unit hotline-telephony@HOST:PORT.service runs one worker per switch instead.
# A worker that ends takes the others down with it, so the supervisor restarts the set.
set -u
FLASK=(.venv/bin/flask --app wsgi)
IFS=',' read -r -a switches <<< "${TELEPHONY_SWITCHES:-}"
if [ ${#switches[@]} -eq 0 ]; then
  echo "TELEPHONY_SWITCHES is empty: no telephony worker (no call center)"
  trap 'exit 0' TERM INT
  while true; do sleep 3600 & wait $!; done
fi
pids=()
for switch in "${switches[@]}"; do
  switch="${switch// /}"
  "${FLASK[@]}" telephony run --host "${switch%:*}" --port "${switch##*:}" &
  pids+=($!)
done
stop() { kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 0; }
trap stop TERM INT
wait -n
status=$?
echo "a telephony worker ended (status $status): stopping the others"
kill -TERM "${pids[@]}" 2>/dev/null
wait
exit "$status"
