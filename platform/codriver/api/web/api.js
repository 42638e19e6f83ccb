// The /v1 API client of the web app: bearer token in localStorage, JSON in and out,
// errors thrown as ApiError carrying the server's `detail` and `field`.

const TOKEN_KEY = "codriver.token";

export class ApiError extends Error {
  constructor(status, body) {
    const detail = (body && body.detail) || `request failed (${status})`;
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.field = body && body.field ? body.field : null;
    this.body = body || {};
  }
}

export function token() {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Call the API; resolves to the parsed JSON body (null for 204), rejects with ApiError. */
export async function call(method, path, body = undefined, extra = {}) {
  const headers = { Accept: "application/json", ...extra };
  const tok = token();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/v1${path}`, init);
  } catch (exc) {
    throw new ApiError(0, { detail: `the service cannot be reached (${exc.message})` });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text };
    }
  }
  if (!response.ok) {
    if (response.status === 401 && tok) {
      setToken(null);
      window.dispatchEvent(new Event("codriver:signed-out"));
    }
    throw new ApiError(response.status, data);
  }
  return { status: response.status, data };
}

export const get = async (path) => (await call("GET", path)).data;
export const post = async (path, body) => (await call("POST", path, body)).data;
export const put = async (path, body) => (await call("PUT", path, body)).data;
export const del = async (path) => (await call("DELETE", path)).data;

/**
 * A change based on the trip version the user sees: the service answers 409 (ApiError
 * with body.current_version) when the trip has moved on since, instead of losing a change.
 */
export const change = async (method, path, body, version) =>
  (await call(method, path, body, version != null ? { "If-Match": `"${version}"` } : {})).data;

/**
 * Download a file the API serves to the signed-in user (a plain link cannot send the
 * bearer token): fetched, then saved under the name the service gives it.
 */
export async function download(path) {
  const headers = {};
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch(`/v1${path}`, { headers });
  } catch (exc) {
    throw new ApiError(0, { detail: `the service cannot be reached (${exc.message})` });
  }
  if (!response.ok) {
    const text = await response.text();
    let data;
    try { data = JSON.parse(text); } catch { data = { detail: text }; }
    throw new ApiError(response.status, data);
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (/filename="([^"]+)"/.exec(disposition) || [])[1] || path.split("/").pop();
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return name;
}

/** Sign in and keep the token. */
export async function signIn(email, password) {
  const answer = await post("/auth/token", { email, password });
  setToken(answer.access_token);
  return answer;
}

export async function register(email, password, displayName) {
  const body = { email, password };
  if (displayName) body.display_name = displayName;
  await post("/users", body);
  return signIn(email, password);
}

export async function signOut() {
  try {
    if (token()) await del("/auth/token");
  } finally {
    setToken(null);
  }
}

let regionsCache = null;
/** The regions served (cached for the page's life); [] when the service has none to list. */
export async function regions() {
  if (!regionsCache) {
    regionsCache = get("/regions").catch(() => []);
  }
  return regionsCache;
}

const mapCache = new Map();
/** Road geometry of a region for the offline map, or null when it is unavailable. */
export function regionMap(name) {
  if (!mapCache.has(name)) {
    mapCache.set(
      name,
      get(`/regions/${encodeURIComponent(name)}/map`).catch(() => null),
    );
  }
  return mapCache.get(name);
}

/** Plan and wait: a 201 trip at once, or a 202 job polled until done; onProgress(job) on each poll. */
export async function planAndWait(body, onProgress, pollMs = 800) {
  const { status, data } = await call("POST", "/plan", body);
  if (status === 201) return data;
  let job = data;
  while (job.status === "queued" || job.status === "running") {
    onProgress(job);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    job = await get(`/jobs/${job.id}`);
  }
  onProgress(job);
  if (job.status === "failed") throw new ApiError((job.error && job.error.status) || 422, job.error);
  return get(`/trips/${job.trip_id}`);
}
