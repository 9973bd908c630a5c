/* Service worker of the technician app: keeps the app shell on the phone so the app opens without a network.
   The jobs and the queued actions live in IndexedDB (store.js); API calls are never cached here. */
"use strict";

const VERSION = "{{ version }}";
const CACHE = `field-shell-${VERSION}`;
const SHELL = "{{ shell_url }}";
const PRECACHE = {{ precache_json|safe }};
const ASSETS = new Set({{ assets_json|safe }});
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("field-shell-") && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

/* The shell page: the network first (it follows the chosen language), the cached copy when offline. */
async function shell(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && response.type === "basic") {
      await cache.put(SHELL, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

/* Scripts, styles, icons and the manifest: the cached copy (a new release changes VERSION), else the network. */
async function asset(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SHELL && !url.search) {
    event.respondWith(shell(request));
  } else if (ASSETS.has(url.pathname)) {
    event.respondWith(asset(request));
  }
});
