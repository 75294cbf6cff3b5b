#!/usr/bin/env bash
# Writes ../resources/vectors.json, the test vectors shared by the Java tests and the Node check.
#
# Every expected signature here comes from openssl, never from crier-verify itself, so the tests
# that read the file check the library against an independent implementation. Two vectors are
# published by others and reproduced here as a check of this script: the Standard Webhooks / Svix
# documentation example and GitHub's "Validating webhook deliveries" example; the SalesKing one is
# from seed 002.
#
# Needs bash, openssl, base64, xxd and jq. Run it from anywhere; commit the file it writes.
set -euo pipefail
out="$(cd "$(dirname "$0")/../resources" && pwd)/vectors.json"

# Two 32-byte keys made once with `openssl rand -base64 32`.
KEY_A='BLnDlfbDU2nKmN8nIYl3po8HOTI88Il6ywc1hEAVLYk='
KEY_B='hsy1D/Jng4FDMUg03K2SleD4/uXZSF8yDJ/7SOxciM8='
SPEC_KEY='MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

# standard KEY_BASE64 ID TIMESTAMP BODY -> v1,<base64 HMAC-SHA256 of "id.timestamp.body">
standard() {
  local hexkey
  hexkey=$(printf '%s' "$1" | base64 -d | xxd -p -c 256)
  printf 'v1,%s' "$(printf '%s.%s.%s' "$2" "$3" "$4" \
    | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64 -w0)"
}

# hexmac DIGEST SECRET BODY -> hex HMAC of the body, the secret's UTF-8 bytes as key
hexmac() {
  printf '%s' "$3" | openssl dgst "-$1" -hmac "$2" -binary | xxd -p -c 256
}

# signed_request SECRET JSON [PAD] -> <hex HMAC-SHA256 of the base64url part>.<base64url JSON>
signed_request() {
  local part
  part=$(printf '%s' "$2" | base64 -w0 | tr '+/' '-_')
  [[ "${3:-}" == pad ]] || part=${part//=/}
  printf '%s.%s' "$(hexmac sha256 "$1" "$part")" "$part"
}

cases=()
add() { cases+=("$1"); }

# --- standard -------------------------------------------------------------------------------
TS=1767225600 # 2026-01-01T00:00:00Z
ID='msg_2zWqHk7Y4bN1pQ8rT5vX'
BODY='{"id":"msg_2zWqHk7Y4bN1pQ8rT5vX","type":"client.create","timestamp":"2026-01-01T00:00:00Z","data":{"name":"Zoë Café – ✓"}}'
SIG_A=$(standard "$KEY_A" "$ID" "$TS" "$BODY")
SIG_B=$(standard "$KEY_B" "$ID" "$TS" "$BODY")
SPEC_BODY='{"test": 2432232314}'

# std NAME SECRETS_JSON SIGNED_BY_JSON ID TS BODY HEADERS_JSON VALID [REASON] [NOW]
std() {
  jq -n --arg name "$1" --argjson secrets "$2" --argjson signedBy "$3" --arg id "$4" \
    --argjson ts "$5" --arg body "$6" --argjson headers "$7" --argjson valid "$8" \
    --arg reason "${9:-}" --arg now "${10:-}" \
    '{name: $name, scheme: "standard", secrets: $secrets}
     + (if $signedBy == null then {} else {signedBy: $signedBy} end)
     + {id: $id, timestamp: $ts}
     + (if $now == "" then {} else {now: ($now | tonumber)} end)
     + {body: $body, headers: $headers, valid: $valid}
     + (if $reason == "" then {} else {reason: $reason} end)'
}
hdrs() { # hdrs PREFIX ID TS SIGNATURE
  jq -n --arg p "$1" --arg id "$2" --arg ts "$3" --arg sig "$4" \
    '{($p + "id"): $id, ($p + "timestamp"): $ts, ($p + "signature"): $sig}'
}

add "$(std 'standard: the Standard Webhooks documentation example' "[\"whsec_$SPEC_KEY\"]" \
  "[\"whsec_$SPEC_KEY\"]" msg_p5jXN8AQM9LWM0D4loKWxJek 1614265330 "$SPEC_BODY" \
  "$(hdrs webhook- msg_p5jXN8AQM9LWM0D4loKWxJek 1614265330 \
    "$(standard "$SPEC_KEY" msg_p5jXN8AQM9LWM0D4loKWxJek 1614265330 "$SPEC_BODY")")" true)"
add "$(std 'standard: one secret, UTF-8 body' "[\"whsec_$KEY_A\"]" "[\"whsec_$KEY_A\"]" \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" true)"
add "$(std 'standard: a secret given as bare base64, without whsec_' "[\"$KEY_A\"]" "[\"$KEY_A\"]" \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" true)"
add "$(std 'standard: rotation, both signatures sent, receiver holds the new secret' \
  "[\"whsec_$KEY_B\"]" "[\"whsec_$KEY_A\", \"whsec_$KEY_B\"]" \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A $SIG_B")" true)"
add "$(std 'standard: rotation, both signatures sent, receiver still holds the old secret' \
  "[\"whsec_$KEY_A\"]" "[\"whsec_$KEY_A\", \"whsec_$KEY_B\"]" \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A $SIG_B")" true)"
add "$(std 'standard: rotation, receiver holds both secrets, sender already on the new one' \
  "[\"whsec_$KEY_A\", \"whsec_$KEY_B\"]" "[\"whsec_$KEY_B\"]" \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_B")" true)"
add "$(std 'standard: svix- header names' "[\"whsec_$KEY_A\"]" "[\"whsec_$KEY_A\"]" \
  "$ID" "$TS" "$BODY" "$(hdrs svix- "$ID" "$TS" "$SIG_A")" true)"
add "$(std 'standard: header names in mixed case' "[\"whsec_$KEY_A\"]" null "$ID" "$TS" "$BODY" \
  "$(jq -n --arg id "$ID" --arg ts "$TS" --arg sig "$SIG_A" \
    '{"Webhook-Id": $id, "WEBHOOK-TIMESTAMP": $ts, "Webhook-Signature": $sig}')" true)"
add "$(std 'standard: signatures of unknown versions are skipped' "[\"whsec_$KEY_A\"]" null \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "v1a,bm90IGEgc2lnbmF0dXJl $SIG_A")" true)"
add "$(std 'standard: timestamp exactly at the 5 minute tolerance' "[\"whsec_$KEY_A\"]" null \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" true '' $((TS + 300)))"
add "$(std 'standard: tampered body' "[\"whsec_$KEY_A\"]" null "$ID" "$TS" "${BODY/Zoë/Zoe}" \
  "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" false NO_MATCHING_SIGNATURE)"
add "$(std 'standard: tampered message id' "[\"whsec_$KEY_A\"]" null "msg_other" "$TS" "$BODY" \
  "$(hdrs webhook- msg_other "$TS" "$SIG_A")" false NO_MATCHING_SIGNATURE)"
add "$(std 'standard: signed with another secret' "[\"whsec_$KEY_B\"]" null "$ID" "$TS" "$BODY" \
  "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" false NO_MATCHING_SIGNATURE)"
add "$(std 'standard: only an unknown signature version' "[\"whsec_$KEY_A\"]" null \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "v2,${SIG_A#v1,}")" false NO_MATCHING_SIGNATURE)"
add "$(std 'standard: timestamp older than the tolerance' "[\"whsec_$KEY_A\"]" null \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" false TIMESTAMP_TOO_OLD $((TS + 301)))"
add "$(std 'standard: timestamp newer than the tolerance' "[\"whsec_$KEY_A\"]" null \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "$TS" "$SIG_A")" false TIMESTAMP_TOO_NEW $((TS - 301)))"
add "$(std 'standard: a timestamp that is not a number' "[\"whsec_$KEY_A\"]" null \
  "$ID" "$TS" "$BODY" "$(hdrs webhook- "$ID" "yesterday" "$SIG_A")" false MALFORMED)"
add "$(std 'standard: no signature header' "[\"whsec_$KEY_A\"]" null "$ID" "$TS" "$BODY" \
  "$(jq -n --arg id "$ID" --arg ts "$TS" '{"webhook-id": $id, "webhook-timestamp": $ts}')" \
  false MALFORMED)"

# --- ed25519 (v1a) -------------------------------------------------------------------------
# Two Ed25519 keys made once with `openssl genpkey -algorithm ed25519 -outform DER | base64`:
# PKCS #8 DER, as SigningKey.exportPrivateKey writes them. Test keys only, never used elsewhere.
ED_A='MC4CAQAwBQYDK2VwBCIEICK1jHXy1VR5YwYR2bBl6HlHQMdDfSG2w04ynfuu7Hoj'
ED_B='MC4CAQAwBQYDK2VwBCIEIPmW61qhIk7MRo55Bm2GKgLSkOYiE2uMnaOJfmwsB6oa'
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# ed_x PKCS8 -> the public key's x (base64url of the raw 32 bytes)
ed_x() { printf '%s' "$1" | base64 -d | openssl pkey -inform DER -pubout -outform DER | tail -c 32 | b64url; }
# ed_kid X -> the RFC 7638 thumbprint of the JWK {crv, kty, x}
ed_kid() { printf '{"crv":"Ed25519","kty":"OKP","x":"%s"}' "$1" | openssl dgst -sha256 -binary | b64url; }
# v1a PKCS8 ID TIMESTAMP BODY -> v1a,<base64 Ed25519 signature of "id.timestamp.body">
v1a() {
  local key msg
  key=$(mktemp) msg=$(mktemp)
  printf '%s' "$1" | base64 -d > "$key"
  printf '%s.%s.%s' "$2" "$3" "$4" > "$msg"
  printf 'v1a,%s' "$(openssl pkeyutl -sign -keyform DER -inkey "$key" -rawin -in "$msg" | base64 -w0)"
  rm -f "$key" "$msg"
}
X_A=$(ed_x "$ED_A") X_B=$(ed_x "$ED_B")
KID_A=$(ed_kid "$X_A") KID_B=$(ed_kid "$X_B")
jwk() { jq -n --arg x "$1" --arg kid "$2" '{kty: "OKP", crv: "Ed25519", x: $x, kid: $kid, use: "sig", alg: "EdDSA"}'; }
JWK_A=$(jwk "$X_A" "$KID_A") JWK_B=$(jwk "$X_B" "$KID_B")
V1A_A=$(v1a "$ED_A" "$ID" "$TS" "$BODY")
V1A_B=$(v1a "$ED_B" "$ID" "$TS" "$BODY")

# ed NAME JWKS_KEYS_JSON SIGNING_KEYS_JSON ID TS BODY HEADERS_JSON VALID [REASON] [NOW]
ed() {
  jq -n --arg name "$1" --argjson keys "$2" --argjson signing "$3" --arg id "$4" \
    --argjson ts "$5" --arg body "$6" --argjson headers "$7" --argjson valid "$8" \
    --arg reason "${9:-}" --arg now "${10:-}" \
    '{name: $name, scheme: "ed25519", jwks: {keys: $keys}}
     + (if $signing == null then {} else {signingKeys: $signing} end)
     + {id: $id, timestamp: $ts}
     + (if $now == "" then {} else {now: ($now | tonumber)} end)
     + {body: $body, headers: $headers, valid: $valid}
     + (if $reason == "" then {} else {reason: $reason} end)'
}
edhdrs() { # edhdrs ID TS SIGNATURE [KIDS]
  jq -n --arg id "$1" --arg ts "$2" --arg sig "$3" --arg kids "${4:-}" \
    '{"webhook-id": $id, "webhook-timestamp": $ts, "webhook-signature": $sig}
     + (if $kids == "" then {} else {"webhook-key-id": $kids} end)'
}
SK_A=$(jq -n --arg p "$ED_A" --arg x "$X_A" '{pkcs8: $p, x: $x}')
SK_B=$(jq -n --arg p "$ED_B" --arg x "$X_B" '{pkcs8: $p, x: $x}')

add "$(ed 'ed25519: one key, named by webhook-key-id' "[$JWK_A]" "[$SK_A]" "$ID" "$TS" "$BODY" \
  "$(edhdrs "$ID" "$TS" "$V1A_A" "$KID_A")" true)"
add "$(ed 'ed25519: rotation, new and old key sign, receiver has both' "[$JWK_B, $JWK_A]" \
  "[$SK_B, $SK_A]" "$ID" "$TS" "$BODY" \
  "$(edhdrs "$ID" "$TS" "$V1A_B $V1A_A" "$KID_B $KID_A")" true)"
add "$(ed 'ed25519: rotation, receiver still has only the old key' "[$JWK_A]" null \
  "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$V1A_B $V1A_A" "$KID_B $KID_A")" true)"
add "$(ed 'ed25519: rotation, receiver has only the new key' "[$JWK_B]" null \
  "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$V1A_B $V1A_A" "$KID_B $KID_A")" true)"
add "$(ed 'ed25519: after the overlap only the new key signs; the old key alone refuses it' \
  "[$JWK_A]" null "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$V1A_B" "$KID_B")" false \
  NO_MATCHING_SIGNATURE)"
add "$(ed 'ed25519: without webhook-key-id every published key is tried' "[$JWK_B, $JWK_A]" \
  null "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$V1A_A")" true)"
add "$(ed 'ed25519: v1 and v1a together, verified with the public key alone' "[$JWK_A]" null \
  "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$SIG_A $V1A_A" "$KID_A")" true)"
add "$(ed 'ed25519: a truncated signature is skipped, the next one verifies' "[$JWK_A]" null \
  "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "${V1A_B:0:60} $V1A_A" "$KID_B $KID_A")" true)"
add "$(ed 'ed25519: tampered body' "[$JWK_A]" null "$ID" "$TS" "${BODY/Zoë/Zoe}" \
  "$(edhdrs "$ID" "$TS" "$V1A_A" "$KID_A")" false NO_MATCHING_SIGNATURE)"
add "$(ed 'ed25519: the kid names another published key than the one that signed' \
  "[$JWK_B, $JWK_A]" null "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$V1A_A" "$KID_B")" false \
  NO_MATCHING_SIGNATURE)"
add "$(ed 'ed25519: an HMAC signature alone does not verify without the secret' "[$JWK_A]" null \
  "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$SIG_A")" false NO_MATCHING_SIGNATURE)"
add "$(ed 'ed25519: webhook-key-id names fewer keys than there are v1a signatures' \
  "[$JWK_B, $JWK_A]" null "$ID" "$TS" "$BODY" "$(edhdrs "$ID" "$TS" "$V1A_B $V1A_A" "$KID_B")" \
  false MALFORMED)"
add "$(ed 'ed25519: timestamp older than the tolerance' "[$JWK_A]" null "$ID" "$TS" "$BODY" \
  "$(edhdrs "$ID" "$TS" "$V1A_A" "$KID_A")" false TIMESTAMP_TOO_OLD $((TS + 301)))"

# --- hex HMAC of the body -------------------------------------------------------------------
# hex SCHEME NAME SECRET BODY HEADER VALUE VALID SIGNS [REASON] [BRAND]
hex() {
  jq -n --arg scheme "$1" --arg name "$2" --arg secret "$3" --arg body "$4" --arg header "$5" \
    --arg value "$6" --argjson valid "$7" --argjson signs "$8" --arg reason "${9:-}" \
    --arg brand "${10:-}" \
    '{name: $name, scheme: $scheme}
     + (if $brand == "" then {} else {brand: $brand} end)
     + {secrets: [$secret]}
     + (if $signs then {signedBy: [$secret]} else {} end)
     + {body: $body, headers: {($header): $value}, valid: $valid}
     + (if $reason == "" then {} else {reason: $reason} end)'
}
NOKO_BODY='{"broadcast_receiver":{"id":77885522,"name":"Da Best Timer Sync"},"sent_at":"2020-09-30T15:19:28Z","last_event":"timer.running","subject":{"type":"timer","url":"https://api.nokotime.com/v2/projects/37396/timer"}}'
CRIER_SECRET='crier-test-secret'
NOKO_SIG=$(hexmac sha256 "$CRIER_SECRET" "$NOKO_BODY")
add "$(hex hmac-sha256 'hmac-sha256: X-Crier-Signature of a body' "$CRIER_SECRET" "$BODY" \
  X-Crier-Signature "$(hexmac sha256 "$CRIER_SECRET" "$BODY")" true true '' Crier)"
add "$(hex hmac-sha256 'hmac-sha256: a Noko-branded broadcast (seed 000)' "$CRIER_SECRET" \
  "$NOKO_BODY" X-Noko-Signature "$NOKO_SIG" true true '' Noko)"
add "$(hex hmac-sha256 'hmac-sha256: upper-case hex is accepted' "$CRIER_SECRET" "$NOKO_BODY" \
  X-Noko-Signature "${NOKO_SIG^^}" true false '' Noko)"
add "$(hex hmac-sha256 'hmac-sha256: tampered body' "$CRIER_SECRET" "${NOKO_BODY/running/stopped}" \
  X-Noko-Signature "$NOKO_SIG" false false NO_MATCHING_SIGNATURE Noko)"
add "$(hex hmac-sha256 'hmac-sha256: wrong secret' "not-$CRIER_SECRET" "$NOKO_BODY" \
  X-Noko-Signature "$NOKO_SIG" false false NO_MATCHING_SIGNATURE Noko)"
GH_SECRET="It's a Secret to Everybody"
add "$(hex github 'github: the GitHub documentation example' "$GH_SECRET" 'Hello, World!' \
  X-Hub-Signature-256 "sha256=$(hexmac sha256 "$GH_SECRET" 'Hello, World!')" true true)"
add "$(hex github 'github: tampered body' "$GH_SECRET" 'Hello, World?' \
  X-Hub-Signature-256 "sha256=$(hexmac sha256 "$GH_SECRET" 'Hello, World!')" false false \
  NO_MATCHING_SIGNATURE)"
add "$(hex github 'github: the sha256= prefix is required' "$GH_SECRET" 'Hello, World!' \
  X-Hub-Signature-256 "$(hexmac sha256 "$GH_SECRET" 'Hello, World!')" false false MALFORMED)"
WEBEX_BODY='{"id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0svZjRlNjA1NjAtNjYwMi00ZmIwLWEyNWEtOTQ5ODgxNjA5NDk3","name":"New message","resource":"messages","event":"created"}'
add "$(hex webex 'webex: X-Spark-Signature, hex HMAC-SHA1' "$CRIER_SECRET" "$WEBEX_BODY" \
  X-Spark-Signature "$(hexmac sha1 "$CRIER_SECRET" "$WEBEX_BODY")" true true)"
add "$(hex webex 'webex: an HMAC-SHA256 is not an HMAC-SHA1' "$CRIER_SECRET" "$WEBEX_BODY" \
  X-Spark-Signature "$(hexmac sha256 "$CRIER_SECRET" "$WEBEX_BODY")" false false MALFORMED)"

# --- SalesKing signed_request ---------------------------------------------------------------
# sr NAME SECRET JSON SIGNED_REQUEST VALID SIGNS [REASON]
sr() {
  jq -n --arg name "$1" --arg secret "$2" --arg body "$3" --arg sr "$4" --argjson valid "$5" \
    --argjson signs "$6" --arg reason "${7:-}" \
    '{name: $name, scheme: "signed-request", secrets: [$secret]}
     + (if $signs then {signedBy: [$secret]} else {} end)
     + {body: $body, signedRequest: $sr, valid: $valid}
     + (if $reason == "" then {} else {reason: $reason} end)'
}
SK_JSON='{"obj":{"client":{"number":"K-01"}},"company_id":"c2ew4mSlCr4lENabxfpGMl","user_id":"c1339KSlCr4lENabxfpGMl","sub_domain":"729831939","issued_at":"2011-07-17T21:03:48Z","access_token":"bf77b03c31f003f1d852b3e0bac87345","expires":"2011-07-17T21:59:50Z","algorithm":"HMAC-SHA256","note":"Grüße"}'
add "$(sr 'signed-request: the SalesKing example (seed 002)' secret '{"key":"value"}' \
  "$(signed_request secret '{"key":"value"}')" true true)"
add "$(sr 'signed-request: a full payload' app-secret "$SK_JSON" \
  "$(signed_request app-secret "$SK_JSON")" true true)"
add "$(sr 'signed-request: padded base64url is accepted' secret '{"key":"values"}' \
  "$(signed_request secret '{"key":"values"}' pad)" true false)"
add "$(sr 'signed-request: wrong secret' not-secret '{"key":"value"}' \
  "$(signed_request secret '{"key":"value"}')" false false NO_MATCHING_SIGNATURE)"
TAMPERED="$(signed_request secret '{"key":"value"}')"
TAMPERED="${TAMPERED%%.*}.$(printf '%s' '{"key":"other"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')"
add "$(sr 'signed-request: tampered payload' secret '{"key":"other"}' "$TAMPERED" false false \
  NO_MATCHING_SIGNATURE)"

printf '%s\n' "${cases[@]}" | jq -s '.' > "$out"
echo "wrote $(jq length "$out") vectors to $out"
