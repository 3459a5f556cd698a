// A small client for the public /api/v1: the session cookie carries the login, and every
// request that changes data sends X-Requested-With (the server's CSRF rule for cookie
// sessions). Errors come back as ApiError with the server's {"error","fields","allowed"}.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`)
    this.status = status
    this.fields = (body && body.fields) || {}
    this.allowed = (body && body.allowed) || null
    this.body = body // the whole answer, for errors that carry a report (a refused import)
  }
}

let onUnauthorized = null
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }

export async function request(method, path, body, { raw = false, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin' }
  if (method !== 'GET' && method !== 'HEAD') headers['X-Requested-With'] = 'fetch'
  if (body instanceof FormData) {
    init.body = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch('/api/v1' + path, init)
  } catch (e) {
    throw new ApiError(0, { error: 'network' })
  }
  if (res.status === 204) return null
  if (!res.ok) {
    let b = null
    try { b = await res.json() } catch { /* not JSON */ }
    if (res.status === 401 && !quiet401 && onUnauthorized) onUnauthorized()
    throw new ApiError(res.status, b)
  }
  if (raw) return res
  return res.json()
}

export const api = {
  get: (p, opts) => request('GET', p, undefined, opts),
  post: (p, b, opts) => request('POST', p, b === undefined ? {} : b, opts),
  put: (p, b) => request('PUT', p, b),
  patch: (p, b) => request('PATCH', p, b),
  del: (p) => request('DELETE', p),
}

// qs builds a query string from an object, leaving out empty values.
export function qs(o) {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(o || {})) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) { if (v.length) p.set(k, v.join(',')) } else p.set(k, String(v))
  }
  const s = p.toString()
  return s ? '?' + s : ''
}

export function uploadAttachment(number, file) {
  const fd = new FormData()
  fd.append('file', file, file.name)
  return request('POST', `/tickets/${encodeURIComponent(number)}/attachments`, fd)
}
