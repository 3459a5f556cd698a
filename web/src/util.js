import { ElMessage } from 'element-plus'
import { i18n, reason } from './i18n'

const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
})

// when shows a time in the city's zone (Asia/Shanghai), whatever the browser's zone.
export function when(t) {
  if (!t) return ''
  const d = new Date(t)
  if (isNaN(d)) return ''
  const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`
}

// deadlineOf is the deadline that matters in the ticket's state.
export function deadlineOf(t) {
  if (t.state === 'dispatched') return t.sign_deadline || t.handle_deadline
  if (['processing', 'returned'].includes(t.state)) return t.handle_deadline
  return null
}

// deadlineLevel: 'overdue' past the deadline (or flagged), 'warning' past 75% of the time
// from registration to the deadline, else 'normal'; '' when no deadline applies.
export function deadlineLevel(t, now = Date.now()) {
  if (t.overdue && t.state !== 'closed') return 'overdue'
  if (t.suspended) return '' // 挂起: the clock stands still until it resumes
  const d = deadlineOf(t)
  if (!d) return ''
  const end = new Date(d).getTime()
  const start = new Date(t.created_at).getTime()
  if (now >= end) return 'overdue'
  if (end > start && (now - start) / (end - start) >= 0.75) return 'warning'
  return 'normal'
}

export function levelTag(level) {
  return { overdue: 'danger', warning: 'warning', normal: 'success' }[level] || 'info'
}

export function stateTag(state) {
  return {
    registered: 'info', dispatched: 'warning', returned: 'danger', processing: 'primary', replied: 'warning',
    callback: 'success', closed: 'success', cancelled: 'info', merged: 'info',
  }[state] || 'info'
}

// fieldErrors turns an ApiError into {field: message} for el-form-item :error, and shows the
// general message. It returns true when the error was about fields.
export function showError(e, into) {
  const t = i18n.global.t
  if (into) for (const k of Object.keys(into)) delete into[k]
  const fields = (e && e.fields) || {}
  if (into && Object.keys(fields).length) {
    for (const [k, v] of Object.entries(fields)) into[k] = reason(v)
    ElMessage({ type: 'error', message: t('common.invalid'), grouping: true })
    return true
  }
  // The server's sentences are English; in Chinese the status says enough.
  const zh = i18n.global.locale.value === 'zh-CN'
  let msg = e && e.message
  const st = e && e.status
  if (st === 0) msg = t('common.networkError')
  else if (st === 403 && (zh || !msg)) msg = t('common.forbidden')
  else if (st === 404) msg = t('common.notFound')
  else if (st === 409 && e.allowed) msg = t('ticket.notAllowed')
  else if (st === 409 && zh) msg = t('common.conflict')
  else if (st === 413) msg = t('common.tooLarge')
  else if (st === 415) msg = t('common.badType')
  else if (st === 429) msg = t('common.tooMany')
  else if (st >= 500) msg = t('common.serverError')
  ElMessage({ type: 'error', message: msg || 'error', grouping: true })
  return false
}

export function isImage(a) {
  return /^image\//.test(a.content_type || a.mime || '') || /\.(png|jpe?g|gif|webp)$/i.test(a.name || a.filename || '')
}

export const attachmentURL = (id) => `/api/v1/attachments/${encodeURIComponent(id)}`

export const PHONE_RE = /^\+?\d{5,20}$/
