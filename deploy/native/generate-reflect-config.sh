#!/usr/bin/env bash
# Regenerates each service's native reflection registration for stripe-java (Gson) and Jackson records:
#   <service>/src/main/resources/META-INF/native-image/io.accrue/<service>/reflect-config.json
# Run after a service starts using a new Stripe API (params) or adds records, and commit the result.
#   deploy/native/generate-reflect-config.sh [service ...]      (default: all four)
# With CHECK_ONLY=1 it writes nothing and exits 3 when a committed file is out of date.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=$(bin/java-home); export JAVA_HOME
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(subscription-service usage-service invoice-service contract-service)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pl=$(IFS=,; echo "${services[*]}")
# compile the services (and what they need from the reactor) and write each one's runtime class path
./mvnw -B -q compile dependency:build-classpath -DskipTests -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/runtime-classpath.txt -pl "$pl" -am

stale=0
for s in "${services[@]}"; do
  committed="$s/src/main/resources/META-INF/native-image/io.accrue/$s/reflect-config.json"
  out="$committed"
  [ "${CHECK_ONLY:-0}" = 1 ] && out="$work/$s.json"
  "$JAVA_HOME/bin/java" deploy/native/ReflectConfigGenerator.java "$s/target/classes" \
    "$(cat "$s/target/runtime-classpath.txt")" "$out"
  if [ "${CHECK_ONLY:-0}" = 1 ] && ! cmp -s "$out" "$committed"; then
    echo "STALE: $committed differs from what the code needs now (run deploy/native/generate-reflect-config.sh $s)"
    stale=1
  fi
done
[ "$stale" = 0 ] || exit 3
