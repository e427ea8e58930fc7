#!/usr/bin/env bash
# Renders the one realm source (local-stack/src/main/resources/local-realm.json) as the k8s local overlay's Keycloak
# realm (deploy/k8s/overlays/local/keycloak-realm.yaml). Run it after editing the source; KeycloakRealmTest fails
# while the two disagree. Builds local-stack first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(bin/java-home); export JAVA_HOME
if [ ! -d local-stack/target/lib ] || [ -n "$(find local-stack/src -newer local-stack/target/classes -type f -print -quit 2>/dev/null)" ]; then
  ./mvnw -B -q package -DskipTests -pl local-stack -am
fi
exec "$JAVA_HOME/bin/java" -cp "local-stack/target/classes:local-stack/target/lib/*" io.accrue.localstack.KeycloakRealm \
  deploy/k8s/overlays/local/keycloak-realm.yaml
