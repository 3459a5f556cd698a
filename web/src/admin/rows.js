// nestRows turns a flat list into table rows with children, or, when q is given, the flat
// list of rows whose name or code contains it.
export function nestRows(list, q) {
  const s = (q || '').trim()
  if (s) return list.filter((n) => (n.name || '').includes(s) || (n.code || '').includes(s)).map((n) => ({ ...n }))
  const ids = new Set(list.map((n) => n.id))
  const by = new Map()
  for (const n of list) {
    const p = n.parent_id && ids.has(n.parent_id) ? n.parent_id : ''
    if (!by.has(p)) by.set(p, [])
    by.get(p).push(n)
  }
  const build = (pid, d) => (by.get(pid) || []).slice().sort((a, b) => (a.code || '').localeCompare(b.code || '') || a.name.localeCompare(b.name, 'zh-CN'))
    .map((n) => { const c = d < 10 ? build(n.id, d + 1) : []; return c.length ? { ...n, children: c } : { ...n } })
  return build('', 0)
}
