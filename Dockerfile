# syntax=docker/dockerfile:1
# Multi-stage build: dependencies and compile in a full stage, run as a non-root user in a slim one.
# Nothing is downloaded at run time: Prisma's schema engine runs from its WebAssembly build.
# Node 24 LTS (supported until April 2028); the app supports Node 20.19+, 22.12+ and 24 (package.json engines).

FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
COPY public ./public
# Compiles the server into dist/ and the staff console (Vite) into public/staff/.
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json prisma.config.ts ./
COPY bin ./bin
COPY scripts ./scripts
COPY prisma ./prisma
COPY flows ./flows
COPY data ./data
COPY --from=build /app/public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `start` applies pending migrations, then serves HTTP; run `worker` in a second container.
# Through bin/yorisoi, like every other way of starting Yorisoi: it sets the memory behaviour.
CMD ["bin/yorisoi", "start"]
