#!/usr/bin/env bash
# One telephony worker per switch: TELEPHONY_SWITCHES="10.0.0.5:8021,10.0.0.6:8021" (the ESL
# password from TELEPHONY_ESL_PASSWORD). An entry may name its switch: "fs1=10.0.0.5:8021"; the
# id (default HOST:PORT) is stamped on the switch's calls and names its commands. The first entry
# is the default switch (it also takes commands that name no switch; docs/TELEPHONY.md). Used by Procfile.production (`make serve`); with systemd,
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
  [ -n "$switch" ] || continue
  address="${switch#*=}"
  id="${switch%%=*}"
  [ "$id" != "$switch" ] || id="$address"
  "${FLASK[@]}" telephony run --switch "$id" --host "${address%:*}" --port "${address##*:}" &
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
