/**
 * The Dockerfile, read statically (this machine has no Docker to build it): a multi-stage
 * build on Node 24, the runtime stage with production dependencies only, a non-root user, and
 * an entry that is what `npm start` runs after its build, present in the build output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions with continuation lines joined, comments dropped, grouped by stage. */
function stages(text: string): Instruction[][] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'FROM') out.push([]);
    out.at(-1)!.push({ op: m[1]!, args: m[2]!.trim() });
  }
  return out;
}

const all = stages(dockerfile);
const build = all[0]!;
const runtime = all.at(-1)!;
const args = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile', () => {
  test('two stages on Node 24: a build stage and the runtime', () => {
    expect(all).toHaveLength(2);
    expect(args(build, 'FROM')[0]).toMatch(/^node:24(-slim|-alpine)? AS build$/);
    expect(args(runtime, 'FROM')[0]).toMatch(/^node:24-(slim|alpine) AS runtime$/);
  });

  test('the build stage installs everything and builds; the runtime only production dependencies and the build output', () => {
    expect(args(build, 'RUN').join('\n')).toMatch(/npm ci\b(?!.*--omit=dev)/);
    expect(args(build, 'RUN')).toContain('npm run build');
    const runtimeRuns = args(runtime, 'RUN').join('\n');
    expect(runtimeRuns).toMatch(/npm ci --omit=dev/);
    expect(runtimeRuns).not.toMatch(/npm (run )?build|tsc/);
    expect(args(runtime, 'COPY')).toContain('--from=build /app/dist ./dist');
    expect(args(runtime, 'COPY').join('\n')).not.toMatch(/^(src|test|\.)\b/m);
  });

  test('runs as a non-root user, by number', () => {
    const user = args(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    const [uid] = user!.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    // The same user the Deployment asks for.
    expect(readFileSync(join(root, 'deploy', 'base', 'freigabe.yaml'), 'utf8')).toContain(`runAsUser: ${uid}`);
  });

  test('the entry is what npm start runs after its build, run by node itself (SIGTERM reaches it), and the build makes it', () => {
    const cmd = JSON.parse(args(runtime, 'CMD').at(-1)!) as string[];
    expect(cmd[0]).toBe('node');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`npm run build && node ${cmd[1]}`);
    // tsc (outDir dist, rootDir .) turns src/start.ts into dist/src/start.js.
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { outDir: string; rootDir: string } };
    expect(tsconfig.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    expect(cmd[1]).toBe('dist/src/start.js');
    expect(existsSync(join(root, 'src', 'start.ts'))).toBe(true);
    // npm test builds before it runs the tests: the file the image starts is there.
    expect(existsSync(join(root, cmd[1]!))).toBe(true);
  });

  test('everything the build copies exists and is not excluded by .dockerignore; secrets and local state are', () => {
    for (const stage of all) {
      for (const copy of args(stage, 'COPY').filter((a) => !a.startsWith('--from'))) {
        const sources = copy.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          expect(existsSync(join(root, source)), source).toBe(true);
          expect(dockerignore, source).not.toContain(source);
        }
      }
    }
    for (const excluded of ['node_modules', 'dist', '.env', '*.pem', '.git', 'test']) expect(dockerignore).toContain(excluded);
  });
});
