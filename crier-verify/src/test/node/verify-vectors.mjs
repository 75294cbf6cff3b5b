// Checks every `standard` case of ../resources/vectors.json with two third-party verifiers, the
// npm packages `standardwebhooks` and `svix`, so that what crier-verify signs and accepts is what
// other people's code accepts too. Exits 1 on any disagreement.
//
// Usage: npm install && node verify-vectors.mjs
//
// Both libraries check webhook-timestamp against Date.now() with no option to turn that off, and
// the vectors carry fixed timestamps. So, for each case, Date.now is replaced by a function that
// returns the case's `now` (or its `timestamp` when it has none): the timestamp checks run for
// real, against the time the vector says it is.
//
// A case is accepted if any of its `secrets` verifies it (a receiver during a rotation holds
// several). `standardwebhooks` only reads webhook-* headers, so cases sent with svix-* header
// names are checked with `svix` alone.
//
// The `ed25519` cases (v1a signatures) are checked with Node's own crypto: the key from the case's
// JWK Set (crypto.createPublicKey with format "jwk"), crypto.verify(null, "id.timestamp.body", key,
// signature), the n-th kid of webhook-key-id naming the key of the n-th v1a entry. Neither npm
// library above verifies v1a, so this is a verifier of its own, written from the spec, sharing
// no code with crier-verify.
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Webhook as StandardWebhook, WebhookVerificationError } from "standardwebhooks";
import { Webhook as SvixWebhook, WebhookVerificationError as SvixVerificationError } from "svix";

const vectorsFile = fileURLToPath(new URL("../resources/vectors.json", import.meta.url));
const allCases = JSON.parse(readFileSync(vectorsFile, "utf8"));
const cases = allCases.filter((c) => c.scheme === "standard");
const edCases = allCases.filter((c) => c.scheme === "ed25519");

const verifiers = {
  standardwebhooks: {
    reads: (headers) => Object.keys(headers).some((h) => h.toLowerCase().startsWith("webhook-")),
    verify: (secret, body, headers) =>
      new StandardWebhook(secret).verify(body, headers, { jsonParse: false }),
  },
  svix: {
    reads: () => true,
    verify: (secret, body, headers) => new SvixWebhook(secret).verify(body, headers),
  },
};

function isRefusal(error) {
  return error instanceof WebhookVerificationError || error instanceof SvixVerificationError;
}

// Returns true if any secret verifies the case; rethrows anything that is not a refusal.
function accepts(verifier, testCase) {
  const realNow = Date.now;
  Date.now = () => (testCase.now ?? testCase.timestamp) * 1000;
  try {
    return testCase.secrets.some((secret) => {
      try {
        verifier.verify(secret, testCase.body, testCase.headers);
        return true;
      } catch (error) {
        if (isRefusal(error)) return false;
        throw error;
      }
    });
  } finally {
    Date.now = realNow;
  }
}

let checked = 0;
let failed = 0;
for (const testCase of cases) {
  for (const [library, verifier] of Object.entries(verifiers)) {
    if (!verifier.reads(testCase.headers)) continue;
    checked++;
    const accepted = accepts(verifier, testCase);
    if (accepted !== testCase.valid) {
      failed++;
      const said = accepted ? "accepted" : "refused";
      console.error(`DISAGREE ${library} ${said}: ${testCase.name} (valid: ${testCase.valid})`);
    }
  }
}
// True if a v1a signature verifies: timestamp within 5 minutes of the case's now, then each v1a
// entry against the key its kid names (every key of the set when webhook-key-id is absent).
export function acceptsV1a(jwks, body, headers, nowSeconds) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const id = lower["webhook-id"];
  const timestamp = lower["webhook-timestamp"];
  if (!id || !/^[0-9]+$/.test(timestamp ?? "") || !lower["webhook-signature"]) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const signatures = lower["webhook-signature"].split(" ").filter((e) => e.startsWith("v1a,"));
  const kids = lower["webhook-key-id"]?.trim().split(/ +/);
  if (kids && kids.length !== signatures.length) return false;
  const keys = new Map(jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: "jwk" })]));
  const signed = Buffer.from(`${id}.${timestamp}.${body}`, "utf8");
  return signatures.some((entry, i) => {
    const signature = Buffer.from(entry.slice(4), "base64");
    if (signature.length !== 64) return false;
    const candidates = kids ? [keys.get(kids[i])].filter(Boolean) : [...keys.values()];
    return candidates.some((key) => cryptoVerify(null, signed, key, signature));
  });
}

for (const testCase of edCases) {
  checked++;
  const accepted = acceptsV1a(testCase.jwks, testCase.body, testCase.headers, testCase.now ?? testCase.timestamp);
  if (accepted !== testCase.valid) {
    failed++;
    const said = accepted ? "accepted" : "refused";
    console.error(`DISAGREE node:crypto ${said}: ${testCase.name} (valid: ${testCase.valid})`);
  }
}

if (cases.length === 0 || edCases.length === 0 || checked === 0) {
  console.error(`no standard cases found in ${vectorsFile}`);
  process.exit(1);
}
console.log(`${checked - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
