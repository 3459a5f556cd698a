// Shared bits of the portal pages: the phone rule (as the server's), and server field
// reasons shown in the reader's language beside the field.
import { i18n, reason } from '../i18n'
import { portalReasonsZh } from './messages'

const mobile = /^1[3-9][0-9]{9}$/
const landline = /^0[1-9][0-9]{8,10}$/

export function phoneOK(s) {
  let p = String(s || '').replace(/[\s-]/g, '')
  if (p.startsWith('+86')) p = p.slice(3)
  return mobile.test(p) || landline.test(p) || (p.length >= 9 && landline.test('0' + p))
}

export function fieldReason(r) {
  const t = i18n.global.t
  const m = /^at most (\d+) characters$/.exec(r || '')
  if (m) return t('portal.tooLong', { n: m[1] })
  if (i18n.global.locale.value === 'zh-CN' && portalReasonsZh[r]) return portalReasonsZh[r]
  return reason(r)
}

// label is a server code in the reader's language: Chinese as the server wrote it, English
// from the portal's messages.
export function label(kind, code, zhText) {
  if (i18n.global.locale.value === 'zh-CN') return zhText
  const key = kind + '.' + code
  return i18n.global.te(key) ? i18n.global.t(key) : zhText
}

export const limits = { subject: 100, description: 2000, address: 200, name: 50, comment: 500, photos: 6, photoSize: 5 << 20 }
export const photoTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp']
