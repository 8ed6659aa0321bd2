/** What a production start needs from the environment; names only, never values. */
export function missingProductionSettings(env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  if (!env.APP_ID) missing.push('APP_ID (the GitHub App ID)');
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) missing.push('PRIVATE_KEY or PRIVATE_KEY_PATH (the GitHub App private key, PEM)');
  if (!env.WEBHOOK_SECRET) missing.push('WEBHOOK_SECRET (the secret GitHub signs webhooks with)');
  return missing;
}
