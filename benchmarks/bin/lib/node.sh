# Sourced by bin/load and bin/w3, from the repository root: building what is stale, and one
# node of the run command's jar on a free loopback port, stopped (and its data removed) when the
# script exits. The caller sets `jar` (the node's jar) and `classpath`
# (benchmarks/target/classpath.txt), and may define `bench_after_node`, run after the node
# stopped.
#
# BENCH_SERVER=floor starts the transport floor (io.parley.benchmarks.floor.FloorRelay, see
# benchmarks/README.md) in the node's place, with the same JVM flags; BENCH_SERVER=parley (the
# default) a node. `bench_server` holds which.
bench_server=${BENCH_SERVER:-parley}
case "$bench_server" in
  parley|floor) ;;
  *) echo "BENCH_SERVER must be parley or floor, got $bench_server" >&2; exit 2 ;;
esac

# Builds (mvn package, tests skipped) when the benchmark's class ($1), the runtime classpath or
# the node's jar is missing, or older than the sources; a jar given in BENCH_SERVER_JAR is taken
# as it is.
bench_build_if_stale() {
  if [ ! -f "$classpath" ] || [ ! -f "$jar" ] || [ ! -f "$1" ] \
    || [ -n "$(find benchmarks/src/main -newer "$classpath" -print -quit 2>/dev/null)" ] \
    || { [ -z "${BENCH_SERVER_JAR:-}" ] \
         && [ -n "$(find pom.xml core persistence cluster-config http-gateway \( -name pom.xml -o -path '*/src/main/*' \) \
              -newer "$jar" -print -quit 2>/dev/null)" ]; }; then
    echo "Building (mvn package, tests skipped)..." >&2
    # shellcheck disable=SC2086 # Maven flags are words on purpose
    mvn -B -q ${BENCH_MVN_FLAGS:-} -DskipTests package
    touch "$classpath"
  fi
}

# The benchmark classes and the jars of the runtime classpath whose paths match the regexp $1:
# a client's classpath without server code.
bench_classpath() {
  echo "$(pwd)/benchmarks/target/classes:$(tr ':' '\n' <"$classpath" | grep -E "$1" | paste -sd:)"
}

# bench_start_node [NAME=VALUE...] -- [JVM ARGUMENTS...]: starts the node (or the floor, which
# takes the JVM arguments and ignores the rest) with those environment variables and JVM
# arguments, sets `port`, `server` (its pid) and `data` (its data dir), exports
# PARLEY_BENCH_SERVER (the report's server kind), and returns once it listens.
bench_start_node() {
  local environment=()
  while [ "$1" != -- ]; do environment+=("$1"); shift; done
  shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d)
  # Authentication off (PARLEY_AUTH_MODE=none): the load generators say hello as any user, as
  # in the figures before authentication existed; a workload may set it back to jwt.
  if [ "$bench_server" = floor ]; then
    # the benchmarks' logback.xml named: the node's, also on the classpath, would be a second one
    PARLEY_LOG_LEVEL=WARN java "$@" -Dlogback.configurationFile="$(pwd)/benchmarks/target/classes/logback.xml" \
      -cp "$(pwd)/benchmarks/target/classes:$(cat "$classpath")" \
      io.parley.benchmarks.floor.FloorRelay --port "$port" >"$data/server.log" 2>&1 &
  else
    env PARLEY_AUTH_MODE=none "${environment[@]}" PARLEY_HTTP_PORT="$port" PARLEY_DATA_DIR="$data" PARLEY_LOG_LEVEL=WARN \
      java "$@" -jar "$jar" >"$data/server.log" 2>&1 &
  fi
  server=$!
  export PARLEY_BENCH_SERVER="$bench_server"
  trap bench_stop_node EXIT
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the $bench_server server did not listen on port $port within 60 s" >&2
  exit 1
}

# Stops the node, prints its last WARN/ERROR lines and removes its data.
bench_stop_node() {
  if kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
  fi
  if grep -qE 'ERROR|WARN' "$data/server.log" 2>/dev/null; then
    echo "--- node log (WARN/ERROR lines, last 20) ---" >&2
    grep -E 'ERROR|WARN' "$data/server.log" | tail -20 >&2
  fi
  rm -rf "$data"
  if declare -F bench_after_node >/dev/null; then
    bench_after_node
  fi
}
