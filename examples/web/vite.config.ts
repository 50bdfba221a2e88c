// Vite: `npm run build` writes dist/ (one bundle, no source maps). `npm run dev`
// and `npm run preview` send /graphql to the API at COURSEGRAPH_URL (default
// http://127.0.0.1:8080, where `go run .` listens), so the site and the API share an origin and need no CORS.
import { defineConfig } from "vite";

const api = process.env.COURSEGRAPH_URL ?? "http://127.0.0.1:8080";
const proxy = { "/graphql": { target: api, ws: true } };

// What a host of dist/ should send with it: the built site loads nothing from
// another origin and runs no inline script or style. (The dev server is left
// without it: Vite injects styles inline there.)
const contentSecurityPolicy = [
  "default-src 'self'", "img-src 'self' data: https:", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join("; ");

export default defineConfig({
  build: { sourcemap: false, target: "es2022" },
  server: { proxy },
  preview: { proxy, headers: { "Content-Security-Policy": contentSecurityPolicy } },
});
