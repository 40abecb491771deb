#!/usr/bin/env bash
# Mutation testing of server/auth/ (top level) one group of files at a time, each judged by the tests written
# for it (MUTATE_TESTS) rather than by every test under the default roots: a mutant costs a few seconds instead
# of up to a minute on a busy machine. A mutant these tests kill, the default roots kill too (they hold the
# same tests); a survivor here is checked against the default roots before it is called equivalent.
# Usage: bash mutation/by-file.sh [group...]   (no group: all of them). docs/development.md, "Mutation testing".
set -euo pipefail
cd "$(dirname "$0")/.."
T=__tests__/server/auth

declare -A FILES TESTS
FILES[throttle]=server/auth/failed-auth-throttle.ts
TESTS[throttle]="$T/failed-auth-throttle.test.ts,$T/who-the-caller-is.test.ts,$T/entra-answers.test.ts"
FILES[loopback]=server/auth/loopback.ts
TESTS[loopback]="$T/loopback.test.ts,$T/config.test.ts"
FILES[credentials]=server/auth/authenticator.ts,server/auth/api-key-authenticator.ts,server/auth/api-key-verifier.ts
TESTS[credentials]="$T/reading-credentials.test.ts,$T/api-key.test.ts,$T/api-key-verifier.test.ts,$T/who-the-caller-is.test.ts,$T/failed-auth-throttle.test.ts"
FILES[apikeyconfig]=server/auth/api-key-config.ts
TESTS[apikeyconfig]="$T/config.test.ts,$T/config-edges.test.ts,$T/who-the-caller-is.test.ts"
FILES[config]=server/auth/config.ts
TESTS[config]="$T/config.test.ts,$T/config-edges.test.ts,$T/front/config.test.ts,$T/loopback.test.ts"
FILES[misc]=server/auth/challenge.ts,server/auth/public-url.ts,server/auth/scopes.ts,server/auth/cors.ts,server/auth/verified-token-cache.ts,server/auth/protected-resource-metadata.ts
TESTS[misc]="$T/challenge.test.ts,$T/scopes.test.ts,$T/verified-token-cache.test.ts,$T/protected-resource-metadata.test.ts,$T/signing-keys.test.ts,$T/caller-of.test.ts,$T/entra-answers.test.ts,$T/api-key.test.ts"
FILES[entraverifier]=server/auth/entra-verifier.ts,server/auth/jwks-cache.ts
TESTS[entraverifier]="$T/entra.test.ts,$T/entra-answers.test.ts,$T/signing-keys.test.ts,$T/who-the-caller-is.test.ts"
FILES[entraauth]=server/auth/entra-authenticator.ts,server/auth/middleware.ts
TESTS[entraauth]="$T/entra.test.ts,$T/entra-answers.test.ts,$T/signing-keys.test.ts,$T/who-the-caller-is.test.ts,$T/none.test.ts,$T/api-key.test.ts,$T/caller-of.test.ts,$T/reading-credentials.test.ts,$T/failed-auth-throttle.test.ts"

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(throttle loopback credentials apikeyconfig config misc entraverifier entraauth)
for group in "${groups[@]}"; do
  MUTATE_TEST_ROOTS=$T MUTATE_TESTS="${TESTS[$group]}" MUTATE_REPORT=$group npx stryker run stryker.config.mjs \
    --mutate "${FILES[$group]}" --incrementalFile "reports/mutation/incremental-$group.json"
done
