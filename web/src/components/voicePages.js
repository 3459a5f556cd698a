// The call centre's administration pages each role may open, following the voice API's
// roles: seats for the centre's supervisors, the blacklist for those who manage calls, the
// hotline numbers for the administrator.
export function voicePages(role) {
  const out = []
  if (['monitor', 'dispatcher', 'leader', 'admin'].includes(role)) out.push({ to: '/admin/voice/agents', label: 'nav.voiceAgents' })
  if (['monitor', 'dispatcher', 'admin'].includes(role)) out.push({ to: '/admin/voice/blacklist', label: 'nav.blacklist' })
  if (role === 'admin') out.push({ to: '/admin/voice/numbers', label: 'nav.numbers' })
  return out
}
