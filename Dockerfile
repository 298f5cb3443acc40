# syntax=docker/dockerfile:1
# The relay image for Cloud Run: the built SPA (dist/) and the relay compiled to JavaScript (dist-relay/), run with
# plain `node`; the runtime tree is `npm ci --omit=dev` (no tsx, no React, no VAD/ONNX, no emulators).
# Build from the repo root:  docker build -t relay .   (or `gcloud builds submit`, see infra/README.md)
# Node 22: Node 20 reached its end of life in April 2026 and @google/genai declares node >= 22. The dev and CI
# machines run Node 20 (the code needs nothing newer); node-datachannel's binary is N-API, the same on both.
# Pinned by digest so a rebuild is the same image. The digest is node:22-bookworm-slim as pinned in public
# Dockerfiles (beside `node --version` = v22.23.1); it could not be pulled from this build machine. To move it:
# `docker buildx imagetools inspect node:22-bookworm-slim` and replace the digest (Dependabot's docker ecosystem
# proposes the same).
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:53ada149d435c38b14476cb57e4a7da73c15595aba79bd6971b547ceb6d018bf

# 1. Build: every dependency (Vite, Tailwind, TypeScript), then `npm run build` = `vite build` into dist/ and
#    `tsc -p tsconfig.relay.json` into dist-relay/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile carries every platform's optional binaries (checked with `npm ci --dry-run --os/--cpu`, README).
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# The production image carries no emulator: without GEMINI_API_KEY or GOOGLE_CLOUD_PROJECT the relay would try to
# spawn the Live emulator or the Firestore emulator, find neither, and refuse to start, instead of quietly serving
# the offline emulators to real players (NODE_ENV=production refuses earlier still).
RUN rm -rf dist-relay/relay/live-emulator dist-relay/scripts && find dist-relay -name '*.map' -delete

# 2. Production dependencies only (node-datachannel and @evan/opus bring their linux glibc binaries, hence Debian,
#    not Alpine). --ignore-scripts: the only install script in the tree is protobufjs's version-scheme warning.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. The runtime: root owns the files (read-only to the app), the process runs as the image's `node` user.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATIC_DIR=dist
COPY --from=deps /app/node_modules ./node_modules
# package.json: its "type": "module" makes dist-relay/**/*.js ES modules.
COPY package.json ./
COPY --from=build /app/dist-relay ./dist-relay
COPY --from=build /app/dist ./dist
USER node
# Cloud Run sets PORT (8080 unless told otherwise); EXPOSE is documentation only.
EXPOSE 8080
# exec form: node is PID 1 and gets Cloud Run's SIGTERM itself (relay/main.ts drains and saves within 9.5 s).
CMD ["node", "dist-relay/relay/main.js"]
