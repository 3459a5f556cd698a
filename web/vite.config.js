import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build is committed (web/dist) and checked by scripts/web-check.sh, so it must be
// deterministic: content-hashed names, no timestamps, no source maps.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: process.env.HOTLINE_WEB_OUT || 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    assetsInlineLimit: 0,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/leaflet')) return 'leaflet'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
})
