// usePagedTickets loads GET /tickets a page at a time with a filter object.
import { onBeforeUnmount, ref } from 'vue'
import { api, qs } from './api'
import { showError } from './util'

export function usePagedTickets(filter, { limit = 50 } = {}) {
  const items = ref([])
  const loading = ref(false)
  const next = ref('')
  let seq = 0

  async function load(reset = true) {
    const mine = ++seq
    loading.value = true
    try {
      const f = typeof filter === 'function' ? filter() : filter
      const page = await api.get('/tickets' + qs({ ...f, limit, cursor: reset ? '' : next.value }))
      if (mine !== seq) return
      items.value = reset ? page.items : items.value.concat(page.items)
      next.value = page.next_cursor || ''
    } catch (e) {
      if (mine === seq) showError(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  // replace puts an updated ticket in place, or drops it when keep says it no longer belongs.
  function replace(tk, keep = () => true) {
    const i = items.value.findIndex((x) => x.number === tk.number)
    if (i < 0) return
    if (keep(tk)) items.value.splice(i, 1, tk)
    else items.value.splice(i, 1)
  }

  return { items, loading, next, load, more: () => load(false), replace }
}

// useAutoRefresh reloads a desk's queue every period while the tab is visible, no dialog is
// open and the user has not paged past the first page (no live event stream yet).
export function useAutoRefresh(list, period = 60000) {
  const timer = setInterval(() => {
    if (document.visibilityState !== 'visible' || list.loading.value) return
    if (document.querySelector('.el-overlay-dialog:not([style*="display: none"])')) return
    if (list.items.value.length > 60) return
    list.load(true)
  }, period)
  onBeforeUnmount(() => clearInterval(timer))
}
