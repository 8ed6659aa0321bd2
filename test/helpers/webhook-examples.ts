/** GitHub's own webhook payloads (@octokit/webhooks-examples), one per test, as a fresh copy. */
import examples from '@octokit/webhooks-examples';

export type Payload = Record<string, any>;

/** The first example of event `name` that matches; throws when GitHub ships none. */
export function example(name: string, match: (e: Payload) => boolean): Payload {
  const def = (examples as unknown as { name: string; examples: Payload[] }[]).find((d) => d.name === name);
  const found = def?.examples.find(match);
  if (!found) throw new Error(`no example for ${name}`);
  return structuredClone(found);
}
