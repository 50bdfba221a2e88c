// Vite: `npm run build` writes dist/ (one bundle, no source maps). `npm run dev`
// and `npm run preview` send /graphql to the API at COURSEGRAPH_URL (default
// http://localhost:8080), so the site and the API share an origin and need no CORS.
import { defineConfig } from "vite";

const api = process.env.COURSEGRAPH_URL ?? "http://localhost:8080";
const proxy = { "/graphql": { target: api, ws: true } };

export default defineConfig({
  build: { sourcemap: false, target: "es2022" },
  server: { proxy },
  preview: { proxy },
});
