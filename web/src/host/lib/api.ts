// REST client: JSON in and out, the session token as a Bearer header, errors as ApiError. The only
// place that calls `fetch`; features call it from their `api/` modules only (eslint keeps it so).
import { getSession, setSession } from "./session";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const session = getSession();
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    cache: "no-store",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) {
    if (res.status === 401 && session) setSession(null);
    throw errorOf(res, text);
  }
  if (!text) return undefined as T;
  const type = res.headers.get("content-type") ?? "";
  return (type.includes("json") ? JSON.parse(text) : text) as T;
}

/** The server's `{error: {code, message, details}}` of a failed answer, or its status line. */
function errorOf(res: Response, text: string): ApiError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (parsed.error) return new ApiError(res.status, parsed.error.code ?? "http_error", parsed.error.message ?? `${res.status} ${res.statusText}`, parsed.error.details);
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, "http_error", `${res.status} ${res.statusText}`);
}

/** A file the server answers as an attachment (a CSV export), with the name it gives it. */
export async function apiDownload(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const session = getSession();
  const res = await fetch(path, { headers: session ? { Authorization: `Bearer ${session.token}` } : {}, cache: "no-store" });
  if (!res.ok) {
    if (res.status === 401 && session) setSession(null);
    throw errorOf(res, await res.text());
  }
  return { blob: await res.blob(), filename: attachmentName(res.headers.get("content-disposition")) };
}

/** The `filename` of a `Content-Disposition: attachment; filename="…"` header. */
export function attachmentName(disposition: string | null): string | null {
  return /filename="([^"]+)"/.exec(disposition ?? "")?.[1] ?? null;
}

/** A GET answering text with its ETag (for the compiled UI). */
export async function apiText(path: string): Promise<{ text: string; etag: string | null; type: string }> {
  const session = getSession();
  const res = await fetch(path, {
    headers: session ? { Authorization: `Bearer ${session.token}` } : {},
    cache: "no-store",
  });
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } };
      message = parsed.error?.message ?? message;
    } catch {
      // keep the status line
    }
    throw new ApiError(res.status, "http_error", message);
  }
  return { text, etag: res.headers.get("etag"), type: res.headers.get("content-type") ?? "" };
}
