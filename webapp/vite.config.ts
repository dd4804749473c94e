/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Served by Django under /app/ (config/webapp.py): content-hashed files in
// dist/assets, no inline script (the page's CSP is script-src 'self').
export default defineConfig({
  base: "/app/",
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    // The polyfill would be an inline script; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    // Inline data: URLs only for tiny images (img-src allows data:); never scripts.
    assetsInlineLimit: 2048,
    target: "es2022",
    // Two pages: the staff app and the patient's forms page (/forms/fill).
    rollupOptions: { input: { main: "index.html", forms: "forms.html" } },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.tsx", "src/**/*.test.ts"],
    setupFiles: ["src/test/setup.ts"],
  },
});
