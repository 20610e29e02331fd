# syntax=docker/dockerfile:1
# The inference API. Build from the repository root:
#   docker build -f infra/docker/inference-api.Dockerfile -t <ecr>/adrank-<env>/inference-api:<tag> .
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: install everything, build the libs and bundle the app into one file (dist/apps/inference-api/main.js).
FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY libs ./libs
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run inference-api:bundle

# 2. Production dependencies only: the packages the bundle keeps external (native and optional ones).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY --from=build /repo/package.json /repo/package-lock.json /repo/.npmrc ./
COPY --from=build /repo/libs ./libs
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@adrank libs && npm cache clean --force

# 3. Runtime: the bundle, its dependencies, a non-root user, a read-only root filesystem in Kubernetes.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production API_PORT=8080 MODEL_CACHE_DIR=/var/cache/adrank
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/inference-api/main.js ./main.js
RUN mkdir -p /var/cache/adrank && chown 10001:10001 /var/cache/adrank
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "main.js"]
