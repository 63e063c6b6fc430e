/*
 * promptdeck embed loader. Put where the UI should appear:
 *
 *   <script src="https://PROMPTDECK/embed.js" data-embed="EMBED_ID" async></script>
 *
 * Optional attributes: data-theme="light|dark|auto" (auto, the default, follows this page's
 * colour scheme), data-title (the frame's accessible name), data-height (the height in px before
 * the UI reports its own), and for a verified embed data-user-id with data-user-hash (hex
 * HMAC-SHA256 of the user id with the embed's secret, computed on your server).
 *
 * Each such script gets an <iframe> right after it, showing promptdeck's /embed/{id} page, which
 * reports its height (the frame follows it) and gets this page's scheme when it changes. No
 * dependency, no global: this file may be included several times; each script is handled once.
 */
(function () {
  "use strict";

  var SIZE = "promptdeck:embed-size";
  var THEME = "promptdeck:embed-theme";
  var MIN_HEIGHT = 100;
  var MAX_HEIGHT = 10000;
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function schemeNow() {
    return dark && dark.matches ? "dark" : "light";
  }

  function embed(script) {
    script.setAttribute("data-embed-loaded", "");
    var id = script.getAttribute("data-embed") || "";
    var origin;
    try {
      origin = new URL(script.src, location.href).origin;
    } catch {
      return;
    }
    if (!/^[A-Za-z0-9_-]+$/.test(id)) {
      console.warn("promptdeck embed: data-embed is not an embed id:", id);
      return;
    }
    var asked = script.getAttribute("data-theme") || "auto";
    var follows = asked !== "light" && asked !== "dark";
    var src = origin + "/embed/" + encodeURIComponent(id) + "?theme=" + (follows ? schemeNow() : asked);
    var userId = script.getAttribute("data-user-id");
    var userHash = script.getAttribute("data-user-hash");
    // The hash never reaches a server log; the embed page reads it and removes it.
    if (userId && userHash) src += "#user_id=" + encodeURIComponent(userId) + "&user_hash=" + encodeURIComponent(userHash);

    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = script.getAttribute("data-title") || "promptdeck";
    frame.setAttribute("allow", "clipboard-write");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.display = "block";
    frame.style.height = clamp(Number(script.getAttribute("data-height")) || 480) + "px";
    script.parentNode.insertBefore(frame, script.nextSibling);

    // Only this frame's own page, from promptdeck's origin, sizes it.
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.source !== frame.contentWindow || event.origin !== origin) return;
      if (!data || data.type !== SIZE || data.embed !== id || typeof data.height !== "number") return;
      frame.style.height = clamp(data.height) + "px";
    });

    if (follows && dark && dark.addEventListener) {
      dark.addEventListener("change", function () {
        if (frame.contentWindow) frame.contentWindow.postMessage({ type: THEME, theme: schemeNow() }, origin);
      });
    }
  }

  function clamp(height) {
    return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.round(height)));
  }

  // This script first (it is where its frame goes), then any other not handled yet (several
  // embeds on a page, or a copy of this file that ran before they were parsed).
  var current = document.currentScript;
  if (current && current.hasAttribute("data-embed") && !current.hasAttribute("data-embed-loaded")) embed(current);
  var others = document.querySelectorAll("script[data-embed]:not([data-embed-loaded])");
  for (var i = 0; i < others.length; i++) embed(others[i]);
})();
