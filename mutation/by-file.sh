#!/usr/bin/env bash
# Mutation testing of server/auth/ (top level and front/) one group of files at a time, each judged by the tests written
# for it (MUTATE_TESTS) rather than by every test under the default roots: a mutant costs a few seconds instead
# of up to a minute on a busy machine. A mutant these tests kill, the default roots kill too (they hold the
# same tests); a survivor here is checked against the default roots before it is called equivalent.
# Usage: bash mutation/by-file.sh [group...]   (no group: all of them). docs/development.md, "Mutation testing".
set -euo pipefail
cd "$(dirname "$0")/.."
T=__tests__/server/auth
F=$T/front

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
TESTS[entraverifier]="$T/jwks-cache.test.ts,$T/entra.test.ts,$T/entra-answers.test.ts,$T/signing-keys.test.ts,$T/who-the-caller-is.test.ts"
ENTRA_AUTH_TESTS="$T/entra.test.ts,$T/entra-answers.test.ts,$T/signing-keys.test.ts,$T/who-the-caller-is.test.ts,$T/none.test.ts,$T/api-key.test.ts,$T/caller-of.test.ts,$T/reading-credentials.test.ts,$T/failed-auth-throttle.test.ts"
FILES[entraauth]=server/auth/entra-authenticator.ts
# The front's own tokens reach entra-authenticator.ts only through the front's sign-in.
TESTS[entraauth]="$ENTRA_AUTH_TESTS,$F/sign-in.test.ts,$F/refusals.test.ts"
FILES[middleware]=server/auth/middleware.ts
TESTS[middleware]="$T/middleware.test.ts,$ENTRA_AUTH_TESTS"

# server/auth/front/: the front's settings, then its parts, each judged by the tests that sign in through it.
FILES[frontconfig]=server/auth/front/config.ts
TESTS[frontconfig]="$F/config.test.ts,$F/config-edges.test.ts,$T/config.test.ts,$T/config-edges.test.ts,$T/scopes.test.ts"
FRONT_TESTS="$F/sign-in.test.ts,$F/refusals.test.ts,$F/answers.test.ts"
# Parts with tests of their own (no sign-in, so a mutant costs a second or two).
FILES[frontunits]=server/auth/front/access-tokens.ts,server/auth/front/browser-binding.ts,server/auth/front/clients.ts,server/auth/front/consent-page.ts,server/auth/front/replay-guard.ts,server/auth/front/sealed.ts,server/auth/front/special-addresses.ts
TESTS[frontunits]="$F/access-tokens.test.ts,$F/browser-binding.test.ts,$F/clients.test.ts,$F/consent-page.test.ts,$F/replay-guard.test.ts,$F/sealed.test.ts,$F/special-addresses.test.ts"
FILES[frontentra]=server/auth/front/entra-client.ts
TESTS[frontentra]="$F/entra-client.test.ts"
FILES[frontcimd]=server/auth/front/client-metadata-document.ts
TESTS[frontcimd]="$F/client-metadata-fetch.test.ts,$F/clients.test.ts"
# The provider and the router: only a sign-in through the front reaches them.
FILES[frontparts]=server/auth/front/paths.ts,server/auth/front/router.ts
TESTS[frontparts]="$FRONT_TESTS,$F/client-metadata-documents.test.ts,$F/router.test.ts"
FILES[frontprovider]=server/auth/front/provider.ts,server/auth/front/artefacts.ts,server/auth/front/authorize.ts,server/auth/front/browser-responses.ts,server/auth/front/code-grant.ts,server/auth/front/consent-answer.ts,server/auth/front/entra-callback.ts,server/auth/front/entra-caller.ts,server/auth/front/issue-tokens.ts,server/auth/front/refresh-grant.ts,server/auth/front/provider-deps.ts
TESTS[frontprovider]="$FRONT_TESTS,$F/provider.test.ts"

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(throttle loopback credentials apikeyconfig config misc entraverifier entraauth middleware frontconfig frontunits frontentra frontparts frontcimd frontprovider)
for group in "${groups[@]}"; do
  MUTATE_TEST_ROOTS=$T MUTATE_TESTS="${TESTS[$group]}" MUTATE_REPORT=$group npx stryker run stryker.config.mjs \
    --mutate "${FILES[$group]}" --incrementalFile "reports/mutation/incremental-$group.json"
done
