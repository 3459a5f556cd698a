import { createApp } from 'vue'
import {
  ElAlert, ElButton, ElCard, ElCascader, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDropdown, ElDropdownItem, ElDropdownMenu, ElForm, ElFormItem, ElHeader, ElImage, ElInput,
  ElInputNumber, ElLoading, ElMain, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup, ElResult, ElRow, ElSelect,
  ElSwitch, ElTabPane, ElTable, ElTableColumn, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTree, ElTreeSelect, ElUpload,
} from 'element-plus'
import 'element-plus/dist/index.css'
import 'leaflet/dist/leaflet.css'
import './style.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { setUnauthorizedHandler } from './api'
import { clearSession } from './session'

setUnauthorizedHandler(() => {
  clearSession()
  const cur = router.currentRoute.value
  if (!cur.meta.public) router.replace({ path: '/login', query: { next: cur.fullPath } })
})

document.documentElement.lang = i18n.global.locale.value
// Only the Element Plus parts the app uses are registered, so the rest is left out of the build.
const app = createApp(App)
for (const c of [ElAlert, ElButton, ElCard, ElCascader, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker,
  ElDescriptions, ElDescriptionsItem, ElDialog, ElDropdown, ElDropdownItem, ElDropdownMenu, ElForm, ElFormItem, ElHeader,
  ElImage, ElInput, ElInputNumber, ElLoading, ElMain, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup,
  ElResult, ElRow, ElSelect, ElSwitch, ElTabPane, ElTable, ElTableColumn, ElTabs, ElTag, ElTimeline, ElTimelineItem,
  ElTree, ElTreeSelect, ElUpload]) app.use(c)
app.use(i18n).use(router).mount('#app')
