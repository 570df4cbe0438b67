# Shared by the benchmark scripts (source it from the repository root): build release products,
# and run a Python driver so that a signal reaches it and nothing it started outlives it.

# build_release LABEL OUT PRODUCT...: builds each product in release (log: OUT/build.log) and
# sets `bin` to the build's binary directory; prints the log and exits 1 when a build fails.
build_release() {
  local label=$1 out=$2
  shift 2
  echo "$label: building release (log: $out/build.log)"
  : >"$out/build.log"
  for product in "$@"; do
    swift build -c release --product "$product" >>"$out/build.log" 2>&1 || { grep -v 'prohibited flag' "$out/build.log" >&2; exit 1; }
  done
  bin=$(swift build -c release --show-bin-path)
}

# run_driver OUT COMMAND...: runs the driver in the background and waits for it. The driver stops
# its children itself (on exit, SIGTERM, SIGINT, SIGHUP); the traps pass a signal on to it, and
# kill whatever it left if it was killed outright (its pids are in OUT/pids).
run_driver() {
  driver_out=$1
  shift
  trap _driver_cleanup EXIT
  trap 'exit 143' TERM INT HUP
  "$@" &
  driver_pid=$!
  wait "$driver_pid"
}

_driver_cleanup() {
  if [ -n "${driver_pid:-}" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  [ -f "$driver_out/pids" ] || return 0
  while read -r pid; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done <"$driver_out/pids"
}
