// The app page's Content-Security-Policy allows `<style>` elements only with the nonce the
// server writes into each page (meta `promptdeck-csp-nonce`); CodeMirror writes its styles into
// such elements, so every editor is given the nonce (`EditorView.cspNonce`).

/** This page's style nonce ("" when the page was not served by promptdeck, e.g. the dev server). */
export function cspNonce(): string {
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="promptdeck-csp-nonce"]')?.content ?? "";
  return nonce.startsWith("__") ? "" : nonce;
}
