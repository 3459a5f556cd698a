import { computed, reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { i18n } from '../i18n'
import { showError } from '../util'

// PAGE is how many rows an admin table shows at a time.
export const PAGE = 20

// useAdminList is an admin page's list: loaded from the API, searched and paged in the
// browser. fetch returns the rows; a page whose rows are part of a larger answer keeps that
// answer itself and passes rows (a computed). text gives the strings the search box looks in,
// keep the page's other filters. quiet reloads leave the table as it is (no spinner), for a
// list a live stream keeps current.
export function useAdminList({ fetch, rows, text = () => [], keep = () => true, quiet = false }) {
  const list = ref([])
  const q = ref('')
  const page = ref(1)
  const loading = ref(true)
  const source = rows || list
  const filtered = computed(() => {
    const s = (q.value || '').trim()
    return source.value.filter((r) => keep(r) && (!s || text(r).some((x) => (x || '').includes(s))))
  })
  const paged = computed(() => filtered.value.slice((page.value - 1) * PAGE, page.value * PAGE))
  async function load() {
    if (!quiet) loading.value = true
    try {
      const v = await fetch()
      if (!rows) list.value = v
    } catch (e) { showError(e) }
    loading.value = false
  }
  return { list, q, page, loading, filtered, paged, load }
}

// useEditDialog is the state of an add/edit dialog (FormDialog). show opens it on a fresh
// form; save runs check (errors it puts in err stop it), then send, and when send does not
// answer false (a refusal it has shown itself) closes the dialog, says so and runs done with
// send's answer. The API's 4xx {error, fields} land in err, beside the fields.
export function useEditDialog({ send, check, done, notify = true }) {
  const open = ref(false)
  const busy = ref(false)
  const form = reactive({})
  const err = reactive({})
  const clear = () => { for (const k of Object.keys(err)) delete err[k] }
  function show(...values) {
    clear()
    Object.assign(form, ...values)
    open.value = true
  }
  async function save() {
    clear()
    if (check) check(form, err)
    if (Object.keys(err).length) return
    busy.value = true
    try {
      const res = await send(form)
      if (res !== false) {
        open.value = false
        if (notify) ElMessage.success(i18n.global.t('common.saved'))
        if (done) await done(res)
      }
    } catch (e) { showError(e, err) }
    busy.value = false
  }
  return { open, busy, form, err, show, save }
}

// confirmed asks before a removal; false when the user backs out.
export async function confirmed(message) {
  try {
    await ElMessageBox.confirm(message, { type: 'warning' })
    return true
  } catch { return false }
}
