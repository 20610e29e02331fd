# syntax=docker/dockerfile:1
# The ETL (CronJob: `daily`; long-running: `schedule`). Build from the repository root:
#   docker build -f infra/docker/etl.Dockerfile -t <ecr>/adrank-<env>/etl:<tag> .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY libs ./libs
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run etl:bundle

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY --from=build /repo/package.json /repo/package-lock.json /repo/.npmrc ./
COPY --from=build /repo/libs ./libs
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@adrank libs && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production ETL_HEALTH_PORT=8081
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/etl/main.js ./main.js
USER 10001:10001
# `schedule` serves /health/live; a one-shot command (daily, sync, …) is judged by its exit code instead
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const scheduled=require('fs').readFileSync('/proc/1/cmdline','utf8').includes('schedule');if(!scheduled)process.exit(0);fetch('http://127.0.0.1:'+(process.env.ETL_HEALTH_PORT||8081)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "main.js"]
CMD ["--help"]
