// Shared state: who is logged in, the server's pick lists, and the organisation trees,
// each loaded once and kept until logout (or an admin edit, which calls invalidate).
import { reactive } from 'vue'
import { api } from './api'
import { i18n } from './i18n'

export const session = reactive({ me: null, meta: null, loaded: false })

const cache = {}

export async function loadMe() {
  try {
    session.me = await api.get('/auth/me', { quiet401: true })
  } catch (e) {
    if (e.status !== 401) throw e
    session.me = null
  }
  session.loaded = true
  return session.me
}

export async function loadMeta() {
  if (!session.meta) session.meta = await api.get('/meta')
  return session.meta
}

function cached(key, path) {
  if (!cache[key]) cache[key] = api.get(path).catch((e) => { delete cache[key]; throw e })
  return cache[key]
}

export const departments = () => cached('departments', '/departments')
export const categories = () => cached('categories', '/categories')
export const regions = () => cached('regions', '/regions')
export const regionsWithBoundary = () => cached('regionsB', '/regions?boundary=1')

export function invalidate(...keys) {
  for (const k of keys.length ? keys : Object.keys(cache)) delete cache[k]
  if (keys.includes('regions')) delete cache.regionsB
}

export function clearSession() {
  session.me = null
  invalidate()
}

// tree turns a flat list with parent_id into nested {value,label,children} for cascaders and
// tree selects. Children are sorted by code then name so the order does not depend on the server.
export function tree(list, { label = (n) => n.name, disabled } = {}) {
  const byParent = new Map()
  const ids = new Set(list.map((n) => n.id))
  for (const n of list) {
    const p = n.parent_id && ids.has(n.parent_id) ? n.parent_id : ''
    if (!byParent.has(p)) byParent.set(p, [])
    byParent.get(p).push(n)
  }
  const build = (pid, depth) => {
    if (depth > 10) return []
    const kids = (byParent.get(pid) || []).slice().sort((a, b) => (a.code || '').localeCompare(b.code || '') || a.name.localeCompare(b.name, 'zh-CN'))
    return kids.map((n) => {
      const c = build(n.id, depth + 1)
      const node = { value: n.id, label: label(n), raw: n }
      if (disabled && disabled(n)) node.disabled = true
      if (c.length) node.children = c
      return node
    })
  }
  return build('', 0)
}

// pathTo returns the ids from the root down to id, for a cascader's model.
export function pathTo(list, id) {
  const byID = new Map(list.map((n) => [n.id, n]))
  const out = []
  for (let cur = byID.get(id), i = 0; cur && i < 12; cur = byID.get(cur.parent_id), i++) out.unshift(cur.id)
  return out
}

// subtreeOf returns id and every id below it.
export function subtreeOf(list, id) {
  const out = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const n of list) if (n.parent_id && out.has(n.parent_id) && !out.has(n.id)) { out.add(n.id); grew = true }
  }
  return out
}

// name gives the display name of a server identifier (state, action, urgency…) in the current
// language: English from the messages, Chinese from /api/v1/meta.
const metaKey = { state: 'states', action: 'actions', request_type: 'request_types', urgency: 'urgencies', satisfaction: 'satisfactions', channel: 'channels', role: 'roles' }
export function name(kind, id) {
  if (!id) return ''
  if (i18n.global.locale.value === 'en') {
    const k = `names.${kind}.${id}`
    if (i18n.global.te(k, 'en')) return i18n.global.t(k)
  }
  const list = session.meta && session.meta[metaKey[kind]]
  const hit = list && list.find((x) => x.id === id)
  if (hit) return hit.name
  if (kind === 'action' && id === 'register') return '登记'
  if (kind === 'action' && id === 'absorb') return '并入重复件'
  // The clock's own events are not in meta.actions (nobody takes them through the API).
  const system = { warn: '预警', mark_overdue: '超期', signfor_overdue: '签收超时' }
  if (kind === 'action' && system[id]) return system[id]
  if (kind === 'role' && id === 'citizen') return '市民'
  return id
}

// The desk each role starts on.
export function homeFor(role) {
  switch (role) {
    case 'agent': case 'monitor': return '/agent'
    case 'dispatcher': return '/dispatch'
    case 'handler': case 'dept_admin': return '/dept'
    case 'leader': return '/tickets'
    case 'admin': return '/admin/departments'
  }
  return '/tickets'
}

export const has = (perm) => !!(session.me && session.me.permissions.includes(perm))
