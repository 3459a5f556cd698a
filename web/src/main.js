import { createApp } from 'vue'
import ElementPlus from 'element-plus'
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
createApp(App).use(ElementPlus).use(i18n).use(router).mount('#app')
