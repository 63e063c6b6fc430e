/// <reference types="vitest/config" />
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Starts the sandbox frame's component worker from the document's head, before the frame's
 * own scripts and styles have loaded: the worker's boot (its 290 KB script loaded, compiled and
 * run) is the longest step before a component's first paint, so it should overlap the frame's
 * start rather than follow it. The script is inline, allowed by its hash in the sandbox's
 * Content-Security-Policy (the server hashes the `pd-early-worker` script it serves), and hands
 * the worker to the runtime as `window.__pdWorker` (frame/workerHost.ts).
 */
function earlyWorker(): Plugin {
  return {
    name: "promptdeck-early-worker",
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        if (!ctx.filename.endsWith("sandbox.html") || !ctx.bundle) return html;
        const worker = Object.values(ctx.bundle).find((o) => /^assets\/sandbox-worker-[^/]+\.js$/.test(o.fileName));
        if (!worker) throw new Error("the sandbox worker script is not in the bundle");
        const script =
          `(function(){try{var u=new URL(${JSON.stringify("/" + worker.fileName)},location.href).href;` +
          `var b=new Blob(["importScripts("+JSON.stringify(u)+");"],{type:"text/javascript"});` +
          `var w=new Worker(URL.createObjectURL(b),{name:"promptdeck-component"});` +
          `w.onerror=function(e){window.__pdWorkerError=e.message||"the component's worker failed to start"};` +
          `window.__pdWorker=w}catch(e){}})();`;
        return html.replace("<title>", `<script id="pd-early-worker">${script}</script>\n    <title>`);
      },
    },
  };
}

// Two entries: the host app (index.html) and the sandbox runtime (sandbox.html), which the
// server serves from a second origin with a strict Content-Security-Policy; the sandbox
// runtime's worker (src/sandbox/worker/main.ts) is built as a script of its own.
export default defineConfig({
  plugins: [react(), earlyWorker()],
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
