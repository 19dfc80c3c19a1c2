#!/usr/bin/env bash
# Starts node K of the local cluster of bin/cluster again (after the W6 benchmark killed or
# stopped it), exactly as `bin/cluster start` starts it: the same ports, seed nodes, database
# and JVM options; its log is appended to cluster-data/nodeK.log and its pid written to
# cluster-data/nodeK.pid. Run from the repository root: benchmarks/bin/lib/cluster-node.sh K
set -euo pipefail
k=$1
dir=cluster-data
jar=cluster-config/target/parley.jar
db_url=${PARLEY_CLUSTER_DB_URL:-jdbc:postgresql://127.0.0.1:5432/parley_cluster}
seeds=127.0.0.1:25521,127.0.0.1:25522,127.0.0.1:25523
echo "=== $(date -u +%H:%M:%S.%3N) node $k started again by benchmarks/bin/lib/cluster-node.sh ===" >>"$dir/node$k.log"
# Authentication off: the load generators say hello as any user (see node.sh)
PARLEY_AUTH_MODE=${PARLEY_AUTH_MODE:-none} \
PARLEY_CLUSTER_MODE=local-cluster \
PARLEY_HTTP_PORT=$((8080 + k)) \
PARLEY_REMOTE_PORT=$((25520 + k)) \
PARLEY_MANAGEMENT_PORT=$((7626 + k)) \
PARLEY_SEED_NODES=$seeds \
PARLEY_DB_URL=$db_url PARLEY_DB_USER=${PARLEY_DB_USER:-postgres} PARLEY_DB_PASSWORD=${PARLEY_DB_PASSWORD:-} \
PARLEY_DATA_DIR=$dir/node$k \
  nohup java ${PARLEY_JAVA_OPTS:--Xmx384m} -jar "$jar" >>"$dir/node$k.log" 2>&1 &
echo $! >"$dir/node$k.pid"
