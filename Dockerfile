# syntax=docker/dockerfile:1
# The relay image for Cloud Run: the built SPA (dist/) plus what `node --import tsx relay/main.ts` loads
# (relay/ and shared/, run as TypeScript through tsx, and the production dependencies).
# Build from the repo root:  docker build -t relay .   (or `gcloud builds submit`, see infra/README.md)
# Node 22: Node 20 reached its end of life in April 2026 and @google/genai declares node >= 22. The dev and CI
# machines run Node 20 (the code needs nothing newer); node-datachannel's binary is N-API, the same on both.
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. The client build: every dependency (Vite, Tailwind, React plugin), then `vite build` into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lockfile can lack other platforms' optional binaries (see README.md).
RUN npm install --no-audit --no-fund
COPY . .
RUN npx vite build
# The production image carries no emulator and no tests: without GEMINI_API_KEY or GOOGLE_CLOUD_PROJECT the relay
# would try to spawn relay/live-emulator/ or scripts/firestore-emulator.ts, fail, and refuse to start, instead of
# quietly serving the offline emulators to real players.
RUN rm -rf relay/live-emulator relay/test \
  && find relay shared -name '*.test.ts' -delete

# 2. Production dependencies only (tsx runs the relay; node-datachannel and @evan/opus bring their linux-x64
#    glibc binaries, hence Debian, not Alpine).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: root owns the files (read-only to the app), the process runs as the image's `node` user.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATIC_DIR=dist
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY --from=build /app/relay ./relay
COPY --from=build /app/shared ./shared
COPY --from=build /app/dist ./dist
USER node
# Cloud Run sets PORT (8080 unless told otherwise); EXPOSE is documentation only.
EXPOSE 8080
# exec form: node is PID 1 and gets Cloud Run's SIGTERM itself (relay/main.ts drains and saves within 9.5 s).
CMD ["node", "--import", "tsx", "relay/main.ts"]
