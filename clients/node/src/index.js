export { CrierClient, operations } from "./client.js";
export { CrierProblem } from "./problem.js";
export { JwksKeys, WebhookVerifier, WebhookVerificationError } from "./verify.js";
