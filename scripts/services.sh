#!/usr/bin/env bash
# Starts the loopback services the integration tests talk to, when they are not already listening.
# Usage: scripts/services.sh start | status
set -uo pipefail

listening() { (echo >"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

start() {
  local name=$1 port=$2; shift 2
  if listening "$port"; then return 0; fi
  echo "starting $name on :$port"
  "$@" >/dev/null 2>&1 || echo "could not start $name" >&2
}

wait_for() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do listening "$port" && return 0; sleep 0.5; done
  echo "$name is not listening on :$port" >&2
  return 1
}

case "${1:-status}" in
  start)
    start postgresql 5432 bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
    start mariadb 3306 start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    start redis 6379 redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    start rabbitmq 5672 rabbitmq-server -detached
    start mosquitto 1883 mosquitto -d -c /etc/mosquitto/mosquitto.conf
    start nats 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    for s in postgresql:5432 mariadb:3306 redis:6379 rabbitmq:5672 mosquitto:1883 nats:4222; do
      wait_for "${s%%:*}" "${s##*:}"
    done
    exit 0 # a missing service fails the tests that need it (under CI=true), with a clearer message
    ;;
  status)
    for s in postgresql:5432 mariadb:3306 redis:6379 rabbitmq:5672 mosquitto:1883 nats:4222; do
      if listening "${s##*:}"; then echo "${s%%:*} up"; else echo "${s%%:*} down"; fi
    done
    ;;
esac
