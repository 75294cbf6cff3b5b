// Verifies v1a signatures of real deliveries with Node's own crypto, sharing no code with Crier:
// run by SigningKeysTest, which writes what its receiver got to stdin as a JSON array of
//   {name, jwks, headers, bodyBase64, now, valid}
// (jwks as fetched from Crier's /.well-known/jwks.json at that moment). A case is accepted when
// its timestamp is within five minutes of `now` and a v1a entry of webhook-signature verifies,
// with crypto.verify(null, "id.timestamp.body", key, signature), under the key that the entry's
// kid (same position in webhook-key-id) names. Prints one line per disagreement; exits 1 if any.
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

function accepts({ jwks, headers, bodyBase64, now }) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  if (!id || !/^[0-9]+$/.test(timestamp ?? "")) return false;
  if (Math.abs(now - Number(timestamp)) > 300) return false;
  const entries = (headers["webhook-signature"] ?? "").split(" ").filter((e) => e.startsWith("v1a,"));
  const kids = (headers["webhook-key-id"] ?? "").trim().split(/ +/);
  if (kids.length !== entries.length) return false;
  const keys = new Map(jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: "jwk" })]));
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), Buffer.from(bodyBase64, "base64")]);
  return entries.some((entry, i) => {
    const key = keys.get(kids[i]);
    const signature = Buffer.from(entry.slice("v1a,".length), "base64");
    return key !== undefined && signature.length === 64 && verify(null, signed, key, signature);
  });
}

const cases = JSON.parse(readFileSync(0, "utf8"));
let failed = 0;
for (const c of cases) {
  const accepted = accepts(c);
  if (accepted !== c.valid) {
    failed++;
    console.log(`DISAGREE node:crypto ${accepted ? "accepted" : "refused"}: ${c.name} (valid: ${c.valid})`);
  }
}
console.log(`${cases.length - failed} agreed, ${failed} disagreed`);
process.exit(cases.length > 0 && failed === 0 ? 0 : 1);
