/** Comment commands on pull requests: a line of its own, `/freigabe <command> [args]`. */
export type Command = { readonly name: 'recheck' } | { readonly name: 'promote'; readonly verfahren: string; readonly stage: string };

export function parseCommand(body: string | null | undefined): Command | undefined {
  for (const line of (body ?? '').split(/\r?\n/)) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== '/freigabe') continue;
    if (words[1] === 'recheck' && words.length === 2) return { name: 'recheck' };
    if (words[1] === 'promote' && words.length === 4) return { name: 'promote', verfahren: words[2], stage: words[3] };
  }
  return undefined;
}
