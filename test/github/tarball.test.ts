import { describe, expect, test } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS, extractTarball, repositoryPath } from '../../src/github/platform/tarball.js';
import { tarball } from './tarball-builder.js';

const PREFIX = 'itdz-estate-abc1234';
const estateOnly = (p: string) => p.startsWith('environments/') || p === '.github/freigabe.yml';
const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

describe('extractTarball', () => {
  test('strips the top-level directory and keeps only the estate', async () => {
    const archive = await tarball(PREFIX, {
      '.github/freigabe.yml': 'locale: en\n',
      'environments/platform.yaml': 'kind: Platform\n',
      'README.md': '# hello\n',
      'src/big.bin': new Uint8Array(10_000),
    });
    const r = await extractTarball({ archive, keep: estateOnly, limits: DEFAULT_ARCHIVE_LIMITS });
    expect(r.exceeded).toBeUndefined();
    expect([...r.files.keys()].sort()).toEqual(['.github/freigabe.yml', 'environments/platform.yaml']);
    expect(text(r.files.get('.github/freigabe.yml'))).toBe('locale: en\n');
  });

  test('never follows links and reports them and unsafe names inside the estate', async () => {
    const archive = await tarball(PREFIX, [
      { name: 'environments/platform.yaml', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'environments/tenants/a.yaml', type: 'link', linkname: `${PREFIX}/README.md` },
      { name: `${PREFIX}/environments/../../etc/x.yaml`, raw: true, content: 'x' },
      { name: '/environments/abs.yaml', raw: true, content: 'x' },
      { name: 'docs/link', type: 'symlink', linkname: '../..' },
    ]);
    const r = await extractTarball({ archive, keep: estateOnly, limits: DEFAULT_ARCHIVE_LIMITS });
    expect(r.files.size).toBe(0);
    expect(r.problems).toEqual([
      { path: 'environments/platform.yaml', reason: 'symlink' },
      { path: 'environments/tenants/a.yaml', reason: 'hardlink' },
      { path: 'environments/etc/x.yaml', reason: 'unsafe-path' },
      { path: 'environments/abs.yaml', reason: 'unsafe-path' },
    ]);
  });

  test('stops at the entry, unpacked and kept byte limits', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`environments/tenants/t${i}.yaml`] = 'x'.repeat(1000);
    const archive = await tarball(PREFIX, files);
    const limits = { ...DEFAULT_ARCHIVE_LIMITS };
    expect((await extractTarball({ archive, keep: estateOnly, limits: { ...limits, maxEntries: 10 } })).exceeded?.limit).toBe('maxEntries');
    expect((await extractTarball({ archive, keep: estateOnly, limits: { ...limits, maxUnpackedBytes: 5000 } })).exceeded?.limit).toBe('maxUnpackedBytes');
    expect((await extractTarball({ archive, keep: estateOnly, limits: { ...limits, maxKeptBytes: 5000 } })).exceeded?.limit).toBe('maxKeptBytes');
    expect((await extractTarball({ archive, keep: estateOnly, limits: { ...limits, maxArchiveBytes: 10 } })).exceeded?.limit).toBe('maxArchiveBytes');
  });

  test('cuts an oversized file one byte past the limit so the loader reports it', async () => {
    const archive = await tarball(PREFIX, { 'environments/platform.yaml': 'x'.repeat(5000) });
    const r = await extractTarball({ archive, keep: estateOnly, limits: { ...DEFAULT_ARCHIVE_LIMITS, maxFileBytes: 1000 } });
    expect(r.files.get('environments/platform.yaml')?.byteLength).toBe(1001);
  });

  test('a gzip bomb of zeros is refused by the declared sizes, not by reading it', async () => {
    const archive = await tarball(PREFIX, { 'environments/huge.yaml': new Uint8Array(8 * 1024 * 1024) });
    expect(archive.byteLength).toBeLessThan(100_000);
    const r = await extractTarball({ archive, keep: estateOnly, limits: { ...DEFAULT_ARCHIVE_LIMITS, maxUnpackedBytes: 1024 * 1024 } });
    expect(r.exceeded?.limit).toBe('maxUnpackedBytes');
  });

  test('repositoryPath', () => {
    expect(repositoryPath('o-r-1/environments/a.yaml')).toBe('environments/a.yaml');
    expect(repositoryPath('o-r-1/')).toBeUndefined();
    expect(repositoryPath('o-r-1/../x')).toBeNull();
    expect(repositoryPath('/x/y')).toBeNull();
    expect(repositoryPath('o-r-1/a\\b')).toBeNull();
  });
});
