#!/usr/bin/env bash
# Mutation check of the billing model check (issue 14, "Done when"): each patch under
# e2e-tests/src/test/resources/model-mutants/ brings one money defect of issue 13 back into today's code. For each
# patch this script applies it, packages the service it touches, runs the model check against it, records whether
# the check caught the defect, and puts the code and the packaged service back as they were.
#
#   e2e-tests/model-mutants.sh                 # every patch
#   e2e-tests/model-mutants.sh 13.2 13.7       # the patches whose names start with these
#
# Settings (environment):
#   MUTANT_TEST      the check to run (default BillingModelCheckTest: the build's fixed seed, 10 batches of 10);
#                    BillingModelLongRun draws a random seed (jqwik prints it)
#   MUTANT_TRIES     batches of 10 histories (default 10, the build's number)
#   MUTANT_SHRINK_S  jqwik's shrinking bound in seconds (default 180: each shrinking step replays a batch against
#                    the live suite, 20-100 s, so a few steps only; the failing histories print before shrinking)
#   MUTANT_REPLAY    a history or regression file to replay instead (ModelRegressionsTest), e.g. a kept case
#   PORT_OFFSET      accrue.e2e.port-offset (default 5000)
# Results: e2e-tests/target/model-mutants/<patch>.log (the whole run), <patch>.result (one line), and the failing
# histories the check wrote under e2e-tests/target/model-failures/ (copied to <patch>-failures/).
# The working tree must have no changes in the files a patch touches (a mutant is never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-$(bin/java-home)}"

patches_dir=e2e-tests/src/test/resources/model-mutants
out=e2e-tests/target/model-mutants
mkdir -p "$out"
test_name="${MUTANT_TEST:-BillingModelCheckTest}"
tries="${MUTANT_TRIES:-10}"
shrink="${MUTANT_SHRINK_S:-180}"
offset="${PORT_OFFSET:-5000}"
# the replayed file is read by the test from e2e-tests/, so name it absolutely (a path from the repository root works)
if [ -n "${MUTANT_REPLAY:-}" ]; then MUTANT_REPLAY=$(realpath "$MUTANT_REPLAY"); fi

selected=()
for p in "$patches_dir"/*.patch; do
    name=$(basename "$p" .patch)
    if [ $# -eq 0 ]; then
        selected+=("$p")
    else
        for prefix in "$@"; do
            case "$name" in "$prefix"*) selected+=("$p") ;; esac
        done
    fi
done
[ ${#selected[@]} -gt 0 ] || { echo "no patch matches: $*" >&2; exit 2; }

current_files=()
current_modules=()
restore() {
    # the build formats the mutated sources, so a reverse patch may not apply: check the files out instead
    if [ ${#current_files[@]} -gt 0 ]; then
        git checkout -- "${current_files[@]}"
    fi
    for m in "${current_modules[@]}"; do
        if [ -d "$m/target/quarkus-app.unmutated" ]; then
            rm -rf "$m/target/quarkus-app"
            mv "$m/target/quarkus-app.unmutated" "$m/target/quarkus-app"
        fi
    done
    current_files=()
    current_modules=()
}
trap restore EXIT

for patch in "${selected[@]}"; do
    name=$(basename "$patch" .patch)
    mapfile -t current_files < <(git apply --numstat "$patch" | cut -f3)
    mapfile -t current_modules < <(printf '%s\n' "${current_files[@]}" | cut -d/ -f1 | sort -u)
    if ! git diff --quiet -- "${current_files[@]}"; then
        echo "$name: ${current_files[*]} has local changes; commit or stash them first" >&2
        current_files=()
        current_modules=()
        exit 2
    fi
    for m in "${current_modules[@]}"; do
        [ -d "$m/target/quarkus-app" ] || { echo "$m is not packaged (package the suite first, see README)" >&2; exit 2; }
        rm -rf "$m/target/quarkus-app.unmutated"
        cp -a "$m/target/quarkus-app" "$m/target/quarkus-app.unmutated"
    done
    git apply "$patch"
    log="$out/$name.log"
    modules=$(IFS=,; echo "${current_modules[*]}")
    echo "== $name: packaging $modules with the defect" | tee "$log"
    started=$(date +%s)
    ./mvnw -B -o package -DskipTests -pl "$modules" -am >>"$log" 2>&1
    rm -rf e2e-tests/target/model-failures e2e-tests/target/jqwik-database
    if [ -n "${MUTANT_REPLAY:-}" ]; then
        run_args=(-Dtest=ModelRegressionsTest "-Daccrue.model.replay=$MUTANT_REPLAY")
    else
        run_args=("-Dtest=$test_name" "-Daccrue.model.tries=$tries")
    fi
    echo "== $name: ${run_args[*]}" | tee -a "$log"
    set +e
    ./mvnw -B -o verify -pl e2e-tests -am "${run_args[@]}" -Dsurefire.failIfNoSpecifiedTests=false \
        "-Djqwik.shrinking.bounded.seconds=$shrink" "-Daccrue.e2e.port-offset=$offset" >>"$log" 2>&1
    rc=$?
    set -e
    batches=$(grep -c '^\[model\] [0-9]* histories' "$log" || true)
    first_failing=$(grep -n '^\[model\] [0-9]* histories, [0-9]* periods, [1-9][0-9]* failing' "$log" | head -1 | cut -d: -f1 || true)
    if [ -n "$first_failing" ]; then
        before=$(head -n "$first_failing" "$log" | grep -c '^\[model\] [0-9]* histories' || true)
        if [ -n "${MUTANT_REPLAY:-}" ]; then
            verdict="caught by the replay of $(basename "$MUTANT_REPLAY")"
        else
            verdict="caught in batch $before (histories up to $((before * 10)))"
        fi
    elif [ $rc -ne 0 ]; then
        verdict="build failed without a model disagreement (exit $rc): see the log"
    else
        verdict="NOT caught ($batches batches passed)"
    fi
    if [ -d e2e-tests/target/model-failures ]; then
        rm -rf "$out/$name-failures"
        cp -a e2e-tests/target/model-failures "$out/$name-failures"
    fi
    echo "$name: $verdict; $(( $(date +%s) - started )) s" | tee "$out/$name.result" | tee -a "$log"
    grep -m 3 -A 4 'disagrees (' "$log" | cut -c1-400 || true
    restore
done
