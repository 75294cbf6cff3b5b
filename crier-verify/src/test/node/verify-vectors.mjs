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
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Webhook as StandardWebhook, WebhookVerificationError } from "standardwebhooks";
import { Webhook as SvixWebhook, WebhookVerificationError as SvixVerificationError } from "svix";

const vectorsFile = fileURLToPath(new URL("../resources/vectors.json", import.meta.url));
const cases = JSON.parse(readFileSync(vectorsFile, "utf8")).filter((c) => c.scheme === "standard");

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
if (cases.length === 0 || checked === 0) {
  console.error(`no standard cases found in ${vectorsFile}`);
  process.exit(1);
}
console.log(`${checked - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
