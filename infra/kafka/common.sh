# Shared by infra/kafka/{fetch,start,stop}. Sourced, not run.
#   LAMINI_KAFKA_LIBS   where the broker jars go      (default: <repo>/.cache/kafka/libs)
#   LAMINI_KAFKA_STATE  the broker's state dir        (default: <repo>/.cache/kafka/broker)
KAFKA_INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_REPO="$(cd "$KAFKA_INFRA/../.." && pwd)"
KAFKA_LIBS="${LAMINI_KAFKA_LIBS:-$KAFKA_REPO/.cache/kafka/libs}"
KAFKA_STATE="${LAMINI_KAFKA_STATE:-$KAFKA_REPO/.cache/kafka/broker}"

kafka_die() { echo "infra/kafka: $*" >&2; exit 1; }

# The pid in <state>/broker.pid if that process is alive and is a java process, else nothing.
kafka_running_pid() {
  local pidfile="$1/broker.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
kafka_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on now, from the ephemeral-free range 20000-39999.
kafka_free_port() {
  local p i
  for i in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if ! kafka_port_open "$p"; then echo "$p"; return 0; fi
  done
  return 1
}
