# syntax=docker/dockerfile:1
# Parley's container image (docs/deploy.md):
#   docker build -t parley:0.1.0 .
# Stage 1 builds the node's fat jar with Maven on JDK 17; stage 2 runs it on a JRE 17 as a
# non-root user. Configuration comes from environment variables (docs/CONFIGURATION.md).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Only the node and the modules it depends on; Maven's downloads are cached between builds.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests -pl cluster-config -am package

FROM eclipse-temurin:17-jre
# A fixed numeric user, so that Kubernetes can check runAsNonRoot (k8s/base/deployment.yaml
# runs as 10001 too). /var/lib/parley is the H2 folder for `docker run` without a database;
# on Kubernetes the journal is PostgreSQL and the root file system is read-only.
RUN groupadd --system --gid 10001 parley \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin parley \
 && mkdir -p /app /var/lib/parley \
 && chown 10001:10001 /var/lib/parley
WORKDIR /app
COPY --from=build /src/cluster-config/target/parley.jar /app/parley.jar

ENV PARLEY_HTTP_HOST=0.0.0.0 \
    PARLEY_DATA_DIR=/var/lib/parley \
    PARLEY_JAVA_OPTS="-XX:MaxRAMPercentage=65 -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError"

# http (WebSocket, SSE, REST), management (/ready, /alive, cluster HTTP), remoting (cluster)
EXPOSE 8080 7626 25520
USER 10001:10001
# exec: the JVM is PID 1 and gets SIGTERM itself, which starts Parley's drain.
# PARLEY_JAVA_OPTS holds JVM options (the JVM reads JAVA_TOOL_OPTIONS by itself).
ENTRYPOINT ["sh", "-c", "exec java $PARLEY_JAVA_OPTS -jar /app/parley.jar \"$@\"", "parley"]
