/**
 * Crier refused a request (an RFC 9457 problem), or could not be reached within the retries
 * (status 0, the transport's error as the detail).
 */
export class CrierProblem extends Error {
  constructor({ status, type = "about:blank", title, detail = "", errors = [], cause } = {}) {
    super(`${status} ${title}${detail ? `: ${detail}` : ""}`, cause === undefined ? undefined : { cause });
    this.name = "CrierProblem";
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.errors = errors.map((e) => ({ field: String(e?.field), message: String(e?.message) }));
  }

  /** What to do about it, the same kinds as crier-client's CrierException.Kind. */
  get kind() {
    switch (this.status) {
      case 400: case 413: case 415: case 422: return "invalid";
      case 401: case 403: return "not_authorized";
      case 404: return "not_found";
      case 409: return "conflict";
      case 0: case 429: case 503: return "unavailable";
      default: return "unexpected";
    }
  }

  /** Reads Crier's answer; a body that is not a problem document is kept (cut) as the detail. */
  static async from(response) {
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      return new CrierProblem({ status: response.status, title: `HTTP ${response.status}`, detail: text.slice(0, 500) });
    }
    const str = (v, otherwise) => (typeof v === "string" ? v : otherwise);
    return new CrierProblem({
      status: response.status,
      type: str(json.type, "about:blank"),
      title: str(json.title, `HTTP ${response.status}`),
      detail: str(json.detail, ""),
      errors: Array.isArray(json.errors) ? json.errors : [],
    });
  }
}
