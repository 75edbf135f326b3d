# The c360 API and jobs image; docker-compose.yml runs it as `api` and `jobs`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
COPY bench ./bench
COPY bin ./bin
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production C360_HOME=/var/lib/c360 C360_HOST=0.0.0.0
COPY --from=build /app /app
RUN mkdir -p /var/lib/c360 && chown node:node /var/lib/c360
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/c360.js"]
CMD ["serve"]
