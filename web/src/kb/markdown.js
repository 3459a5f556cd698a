// A small Markdown renderer for knowledge articles (知识库). The server stores sanitised
// Markdown (every '<' escaped as &lt;), so no HTML is trusted here either: the text is
// escaped first and only the Markdown marks below become tags. Links keep http(s), mailto
// and site-relative targets; anything else is dropped. No CDN, no dependency.
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

function safeURL(u) {
  const s = u.trim()
  if (/^(https?:|mailto:)/i.test(s) || /^[/#]/.test(s)) return s
  return ''
}

function inline(text) {
  const codes = []
  let s = esc(text).replace(/`([^`]+)`/g, (_, c) => { codes.push(c); return `\u0000${codes.length - 1}\u0000` })
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label, url) => {
    const u = safeURL(url.replace(/&amp;/g, '&'))
    return u ? `<a href="${esc(u)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label
  })
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/__([^_]+)__/g, '<strong>$1</strong>')
  s = s.replace(/\*([^*]+)\*/g, '<em>$1</em>')
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[+i]}</code>`)
}

// renderMarkdown returns HTML safe for v-html.
export function renderMarkdown(src) {
  const lines = String(src || '').replace(/&lt;/g, '<').replace(/\r\n/g, '\n').split('\n')
  const out = []
  let para = []
  let list = null // 'ul' | 'ol'
  const flush = () => {
    if (para.length) out.push(`<p>${para.map(inline).join('<br>')}</p>`)
    para = []
  }
  const endList = () => { if (list) out.push(`</${list}>`); list = null }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^```/.test(line)) {
      flush(); endList()
      const code = []
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i])
      out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`)
      continue
    }
    let m
    if (!line.trim()) { flush(); endList(); continue }
    if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flush(); endList()
      const n = Math.min(6, m[1].length + 2) // article headings sit below the page title
      out.push(`<h${n}>${inline(m[2])}</h${n}>`)
      continue
    }
    if ((m = /^\s*([-*+]|\d+[.)、])\s+(.*)$/.exec(line))) {
      flush()
      const kind = /\d/.test(m[1]) ? 'ol' : 'ul'
      if (list !== kind) { endList(); out.push(`<${kind}>`); list = kind }
      out.push(`<li>${inline(m[2])}</li>`)
      continue
    }
    if ((m = /^>\s?(.*)$/.exec(line))) {
      flush(); endList()
      out.push(`<blockquote>${inline(m[1])}</blockquote>`)
      continue
    }
    endList()
    para.push(line)
  }
  flush(); endList()
  return out.join('\n')
}
