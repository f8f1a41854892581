// Prisma 7 configuration. Run the CLI through `node scripts/prisma.mjs …` (or `npm run prisma
// -- …`): it works offline, see scripts/README.md.
import { defineConfig, env } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  // `generate` runs from postinstall, before any database is configured, and never connects:
  // only require DATABASE_URL when it is set. Commands that need a database then fail with
  // "The datasource.url property is required in your Prisma config file".
  ...(process.env.DATABASE_URL ? { datasource: { url: env('DATABASE_URL') } } : {}),
});
