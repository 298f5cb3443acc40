// The client build. index.html sits at the repo root and loads /client/main.tsx; the build goes to dist/.
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(repoRoot, 'dist');
const relayUrl = process.env.RELAY_URL ?? 'http://127.0.0.1:8080';

/** URL prefix the VAD (vad-web + onnxruntime-web) loads its model, worklet and wasm from. */
const VAD_ASSET_PREFIX = '/vad/';

/** Files served at /vad/<name>, from node_modules, keyed by name. */
function vadAssetFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const vadDir = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist');
  // Only what client/audio loads: the v5 model, and onnxruntime-web/wasm's plain SIMD build (no JSEP/WebGPU).
  for (const name of ['silero_vad_v5.onnx']) {
    files.set(name, path.join(vadDir, name));
  }
  const ortDir = path.join(repoRoot, 'node_modules/onnxruntime-web/dist');
  if (existsSync(ortDir)) {
    for (const name of readdirSync(ortDir)) {
      if (/^ort-wasm-simd-threaded\.(wasm|mjs)$/.test(name)) files.set(name, path.join(ortDir, name));
    }
  }
  return files;
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.wasm')) return 'application/wasm';
  if (name.endsWith('.mjs') || name.endsWith('.js')) return 'text/javascript; charset=utf-8';
  return 'application/octet-stream';
}

// Vite's dev server refuses to let code import an .mjs out of public/, and onnxruntime-web
// imports its wasm glue at runtime; so the dev server streams these straight from node_modules
// with the right Content-Type, and the build copies them next to the bundle.
function vadAssets(): Plugin {
  const files = vadAssetFiles();
  // Honours --outDir, so a build elsewhere never rewrites the dist/ that tests are serving.
  let resolvedOutDir = outDir;
  return {
    name: 'improv:vad-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const urlPath = (req.url ?? '').split('?')[0] ?? '';
        if (!urlPath.startsWith(VAD_ASSET_PREFIX)) return next();
        const file = files.get(urlPath.slice(VAD_ASSET_PREFIX.length));
        if (!file || !existsSync(file)) return next();
        res.statusCode = 200;
        res.setHeader('Content-Type', contentTypeOf(file));
        res.setHeader('Content-Length', String(statSync(file).size));
        res.setHeader('Cache-Control', 'no-cache');
        createReadStream(file).pipe(res);
      });
    },
    configResolved(config) {
      resolvedOutDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const target = path.join(resolvedOutDir, VAD_ASSET_PREFIX);
      mkdirSync(target, { recursive: true });
      await Promise.all([...files].map(([name, file]) => copyFile(file, path.join(target, name))));
    },
  };
}

/** The dev server and `vite preview` both hand the relay its routes (signaling, WebSocket, history API, health). */
const relayProxy = {
  '/api/ws': { target: relayUrl, ws: true },
  '/api': relayUrl,
  '/healthz': relayUrl,
  '/readyz': relayUrl,
};

export default defineConfig({
  root: repoRoot,
  publicDir: path.join(repoRoot, 'public'),
  plugins: [react(), tailwindcss(), vadAssets()],
  build: { outDir, emptyOutDir: true, target: 'es2022' },
  optimizeDeps: {
    // vad-web is CommonJS that require()s onnxruntime-web, and is only reached through a lazy import:
    // pre-bundle both up front, so the dev server neither leaves a bare require() in the browser nor
    // discovers them mid-scene and reloads the page. onnxruntime finds its wasm through wasmPaths (/vad/).
    include: ['@ricky0123/vad-web', '@ricky0123/vad-web/dist/models/index.js', 'onnxruntime-web/wasm'],
  },
  server: {
    host: '127.0.0.1',
    proxy: relayProxy,
  },
  preview: {
    host: '127.0.0.1',
    proxy: relayProxy,
  },
});
