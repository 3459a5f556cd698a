import { i18n } from '../i18n'

// parseSpec reads a limit as the API writes it: "15wd" → {n: 15, unit: 'wd'}; "" → {n: null}.
export function parseSpec(s) {
  const m = /^(\d+)(wd|wh|wm|h|m)$/.exec((s || '').trim())
  return m ? { n: Number(m[1]), unit: m[2] } : { n: null, unit: '' }
}

// limitText shows a limit in the current language: "15 工作日", "2 小时".
export function limitText(s) {
  const p = parseSpec(s)
  if (p.n === null) return s || ''
  const t = i18n.global.t
  return `${p.n} ${t('sla.units.' + p.unit)}`
}

// slaReason puts the server's English reasons for a rule field into Chinese when needed.
export function slaReason(r) {
  if (i18n.global.locale.value !== 'zh-CN' || !r) return r
  if (/^warning share/.test(r)) return '预警比例须大于等于 0 且小于 100%'
  if (/^limit /.test(r)) return '时限须为正数，如 15 工作日、4 工作小时、24 小时'
  if (/^request type/.test(r)) return '受理类型无效'
  if (/^urgency/.test(r)) return '紧急程度无效'
  if (/^pause/.test(r)) return '请选择是否允许挂起'
  if (/^period|^time |overlaps|empty or outside|no working period/.test(r)) return '工作时段须为 HH:MM-HH:MM，按时间先后且不重叠'
  const zh = {
    'no such category': '分类不存在',
    'the rule sets no limit, pause or warning share': '请至少设置一项时限、挂起或预警比例',
  }
  return zh[r] || r
}
