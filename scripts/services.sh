#!/usr/bin/env bash
# Starts (or stops) the servers Klaxon needs, on 127.0.0.1 only, without touching /etc:
#   RabbitMQ on 5672 (AMQP), Redis on 6379.
# State and logs live under var/ in the repository (git-ignored).
#   scripts/services.sh start   # idempotent: leaves running servers alone
#   scripts/services.sh stop
#   scripts/services.sh status
#   scripts/services.sh clean   # deletes what test and benchmark runs left on the broker: queues
#                               # and exchanges of namespaces t<hex> and bench-*; never while
#                               # tests or benchmarks run (theirs would go too)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
var="$root/var/services"
mkdir -p "$var"

AMQP_PORT=${KLAXON_AMQP_PORT:-5672}
REDIS_PORT=${KLAXON_REDIS_PORT:-6379}

port_open() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

wait_port() { # port seconds what
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    port_open "$1" && return 0
    sleep 0.1
  done
  echo "services: $3 did not open 127.0.0.1:$1 within $2 s; see $var" >&2
  return 1
}

rabbit_env() {
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$AMQP_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_DIST_PORT=25672
  export HOME=/var/lib/rabbitmq
}

start_rabbitmq() {
  if port_open "$AMQP_PORT"; then echo "services: RabbitMQ already on 127.0.0.1:$AMQP_PORT"; return; fi
  rabbit_env
  install -d -o rabbitmq -g rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
  start-stop-daemon --start --chuid rabbitmq --background --make-pidfile --pidfile "$var/rabbitmq.pid" \
    --exec /usr/sbin/rabbitmq-server --output "$var/rabbitmq.log" 2>/dev/null ||
    start-stop-daemon --start --chuid rabbitmq --background --make-pidfile --pidfile "$var/rabbitmq.pid" \
      --exec /usr/sbin/rabbitmq-server
  wait_port "$AMQP_PORT" 90 RabbitMQ
  echo "services: RabbitMQ on 127.0.0.1:$AMQP_PORT"
}

start_redis() {
  if port_open "$REDIS_PORT"; then echo "services: Redis already on 127.0.0.1:$REDIS_PORT"; return; fi
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no \
    --dir "$var" --pidfile "$var/redis.pid" --logfile "$var/redis.log"
  wait_port "$REDIS_PORT" 20 Redis
  echo "services: Redis on 127.0.0.1:$REDIS_PORT"
}

stop_all() {
  if [ -f "$var/redis.pid" ]; then kill "$(cat "$var/redis.pid")" 2>/dev/null || true; rm -f "$var/redis.pid"; fi
  if port_open "$AMQP_PORT"; then
    rabbit_env
    rabbitmqctl stop >/dev/null 2>&1 || true
  fi
  echo "services: stopped"
}

# Test namespaces are t + up to 16 hex digits (TestEnvironment.namespace); benchmarks use
# bench-*. Queues are <namespace>.<name>; the exchange is the namespace itself.
# One Erlang call deletes them all: rabbitmqctl per queue takes a second each.
clean_broker() {
  rabbit_env
  rabbitmqctl eval '
    Leftover = fun(N) -> re:run(N, "^(t[0-9a-f]{1,16}|bench-[A-Za-z0-9-]+)(\\.|$)") =/= nomatch end,
    Qs = [Q || Q <- rabbit_amqqueue:list(<<"/">>), Leftover(element(4, amqqueue:get_name(Q)))],
    [rabbit_amqqueue:delete(Q, false, false, <<"services.sh clean">>) || Q <- Qs],
    Xs = [X || X <- rabbit_exchange:list(<<"/">>), Leftover(element(4, element(2, X)))],
    [rabbit_exchange:delete(element(2, X), false, <<"services.sh clean">>) || X <- Xs],
    {queues_deleted, length(Qs), exchanges_deleted, length(Xs)}.'
}

case "${1:-start}" in
  start) start_redis; start_rabbitmq ;;
  stop) stop_all ;;
  status)
    port_open "$AMQP_PORT" && echo "RabbitMQ: up" || echo "RabbitMQ: down"
    port_open "$REDIS_PORT" && echo "Redis: up" || echo "Redis: down"
    ;;
  clean) clean_broker ;;
  *) echo "usage: $0 start|stop|status|clean" >&2; exit 2 ;;
esac
