import { createRouter, createWebHistory } from 'vue-router'
import { session, loadMe, loadMeta, homeFor } from './session'

const Shell = () => import('./views/Shell.vue')

const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  // The citizen portal: public, its own light frame.
  {
    path: '/portal',
    component: () => import('./portal/PortalLayout.vue'),
    meta: { public: true },
    children: [
      { path: '', component: () => import('./portal/PortalSubmit.vue') },
      { path: 'lookup', component: () => import('./portal/PortalLookup.vue') },
      // 常见问题: public knowledge articles.
      { path: 'kb', component: () => import('./portal/PortalKb.vue') },
      { path: 'kb/:id', component: () => import('./portal/PortalKb.vue'), props: true },
    ],
  },
  {
    path: '/',
    component: Shell,
    children: [
      { path: '', redirect: () => homeFor(session.me && session.me.role) },
      { path: 'agent', component: () => import('./views/AgentDesk.vue') },
      { path: 'dispatch', component: () => import('./views/DispatchDesk.vue') },
      { path: 'dept', component: () => import('./views/DeptDesk.vue') },
      { path: 'tickets', component: () => import('./views/TicketList.vue') },
      { path: 'tickets/:number', component: () => import('./views/TicketPage.vue'), props: true },
      // 知识库 (knowledge base): list, article, editor.
      { path: 'kb', component: () => import('./kb/KbList.vue') },
      { path: 'kb/new', component: () => import('./kb/KbEdit.vue') },
      { path: 'kb/:id', component: () => import('./kb/KbArticle.vue'), props: true },
      { path: 'kb/:id/edit', component: () => import('./kb/KbEdit.vue'), props: true },
      { path: 'admin/departments', component: () => import('./admin/Departments.vue') },
      { path: 'admin/regions', component: () => import('./admin/Regions.vue') },
      { path: 'admin/categories', component: () => import('./admin/Categories.vue') },
      { path: 'admin/users', component: () => import('./admin/Users.vue') },
      { path: 'admin/audit', component: () => import('./admin/Audit.vue') },
      { path: 'admin/apikeys', component: () => import('./admin/APIKeys.vue') },
      { path: 'admin/outbox', component: () => import('./admin/Outbox.vue') },
      { path: 'admin/calendar', component: () => import('./admin/Calendar.vue') },
      { path: 'admin/time-limits', component: () => import('./admin/TimeLimits.vue') },
      { path: 'admin/voice/numbers', component: () => import('./admin/VoiceNumbers.vue') },
      { path: 'admin/voice/blacklist', component: () => import('./admin/Blacklist.vue') },
      { path: 'admin/voice/agents', component: () => import('./admin/VoiceAgents.vue') },
    ],
  },
  { path: '/tickets/:number/print', component: () => import('./views/TicketPrint.vue'), props: true },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  // The pick lists and the session load side by side: one round trip, not two.
  const meta = loadMeta().catch(() => {})
  if (to.meta.public) { await meta; return true }
  const me = !session.loaded || !session.me ? loadMe().catch(() => {}) : null
  await Promise.all([meta, me])
  if (!session.me) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  return true
})
