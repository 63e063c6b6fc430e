/// <reference types="vitest/config" />
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Two entries: the host app (index.html) and the sandbox runtime (sandbox.html), which the
// server serves from a second origin with a strict Content-Security-Policy; the sandbox
// runtime's worker (src/sandbox/worker/main.ts) is built as a script of its own.
export default defineConfig({
  plugins: [react()],
  // The custom UI worker is a classic script: the frame starts it from a blob that loads it with
  // importScripts (a frame with an opaque origin cannot start a worker from a URL).
  worker: { format: "iife", rollupOptions: { output: { entryFileNames: "assets/sandbox-worker-[hash].js" } } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        sandbox: resolve(import.meta.dirname, "sandbox.html"),
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
