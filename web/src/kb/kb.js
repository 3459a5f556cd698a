// Shared bits of the knowledge-base pages (知识库): who may do what (mirrors internal/kb
// MayEdit/MayReview; the server decides, this only hides buttons), and the state colours.
import { session } from '../session'

const role = () => (session.me && session.me.role) || ''
export const mayEdit = () => ['agent', 'monitor', 'dispatcher', 'admin'].includes(role())
export const mayReview = () => ['dispatcher', 'admin'].includes(role())

export const kbStateTag = (s) => ({ draft: 'info', review: 'warning', published: 'success', archived: 'danger' }[s] || 'info')

// steps lists the workflow actions the article's state and the user's role allow.
export function steps(a) {
  const out = []
  if (!a) return out
  if (a.state === 'draft' && mayEdit()) out.push('submit')
  if (a.state === 'review' && mayReview()) out.push('approve', 'reject')
  if (a.state !== 'archived' && mayReview()) out.push('archive')
  return out
}

// plainText strips Markdown marks for a plain answer to paste into a ticket.
export function plainText(md) {
  return String(md || '').replace(/&lt;/g, '<').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/[*_`#>]/g, '').trim()
}

export const kbSize = (n) => (n > 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MB' : Math.max(1, Math.round(n / 1024)) + ' KB')

// plainSnippet drops Markdown marks from a server snippet (escaped text with <mark> tags) so
// result lists read as prose; it only removes characters, so the HTML stays as safe as it was.
export const plainSnippet = (html) => String(html || '').replace(/\*\*|__|`/g, '').replace(/\]\([^)\s]*\)/g, '').replace(/\[/g, '').replace(/(^|\s)#{1,6}\s/g, '$1')
