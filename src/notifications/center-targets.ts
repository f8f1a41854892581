import { z } from 'zod';

// Each ward center may get its notifications by webhook and e-mail of its own. The values are
// secrets and differ per installation, so they come from the environment, named after the
// center's code in data/centers.yaml: `sakyo` → CENTER_NOTIFY_WEBHOOK_SAKYO and
// CENTER_NOTIFY_EMAIL_SAKYO (comma-separated); `fushimi-daigo` → …_FUSHIMI_DAIGO.

const webhook = z.url({ protocol: /^https?$/ });
const emails = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
  .pipe(z.array(z.email()));

export function centerEnvSuffix(centerCode: string): string {
  return centerCode.toUpperCase().replace(/-/g, '_');
}

/** The center's webhook and e-mail recipients; a malformed value counts as unset. */
export function centerNotifyTargets(centerCode: string, env: NodeJS.ProcessEnv = process.env): { webhookUrl: string | undefined; emailTo: string[] } {
  const suffix = centerEnvSuffix(centerCode);
  const url = webhook.safeParse(env[`CENTER_NOTIFY_WEBHOOK_${suffix}`]);
  const to = emails.safeParse(env[`CENTER_NOTIFY_EMAIL_${suffix}`] ?? '');
  return { webhookUrl: url.success ? url.data : undefined, emailTo: to.success ? to.data : [] };
}
