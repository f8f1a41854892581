// The one way the console talks to the server: JSON over fetch, the CSRF token on every change,
// Japanese error messages, and a log-out when the session has ended.
const API = '/api/staff';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthorized: (message: string) => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session expired or was ended elsewhere). */
export function onSessionEnded(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { path?: string }[] };
}

async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(API + path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network', 'サーバーにつながりません。ネットワークを確認して、もう一度試してください。');
  }
  if (response.status === 204) return null as T;
  const data = (await response.json().catch(() => null)) as (T & ErrorBody) | null;
  if (!response.ok) {
    const code = data?.error?.code ?? 'error';
    const message =
      code === 'invalid_request'
        ? `入力に足りないところか誤りがあります（${fieldNames(data?.error?.details)}）。`
        : (data?.error?.message ?? `エラーが起きました（${response.status}）。`);
    const error = new ApiError(response.status, code, message);
    if (response.status === 401 && path !== '/login') onUnauthorized(error.message);
    throw error;
  }
  return data as T;
}

/** The fields a 400 names, in words where we have them (never the raw path). */
function fieldNames(details: { path?: string }[] | undefined): string {
  const names: Record<string, string> = { text: '本文', reason: '理由', note: '申し送り', centerCode: 'つなぎ先', summary: '見立て', email: 'メール', name: '名前', password: 'パスワード', newPassword: '新しいパスワード', followUpOn: '次に連絡する日' };
  const found = [...new Set((details ?? []).map((d) => names[String(d.path ?? '').split('.')[0] ?? ''] ?? null).filter(Boolean))];
  return found.join('、') || '内容';
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T = null>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T = null>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T = null>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T = null>(path: string) => request<T>('DELETE', path),
};

export const STREAM_URL = `${API}/stream`;
