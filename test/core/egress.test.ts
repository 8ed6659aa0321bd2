/**
 * Egress destinations: integrity findings on platform.yaml and bookings (with their lines), the
 * CIDR parser behind them, and that a destination integrity refuses is never rendered.
 */
import { describe, expect, test } from 'vitest';
import type { Diagnostic, FindingCode } from '../../src/core/diagnostics.js';
import { findingMessage } from '../../src/i18n/findings.js';
import { egressRestricted, parseCidr } from '../../src/core/network.js';
import { renderEstate } from '../../src/core/render.js';
import { loadEstate } from '../../src/core/load.js';
import { EstateBuilder } from '../helpers/estate.js';

const BOOKING = 'verfahren/demo/abnahme.yaml';

function only(diagnostics: readonly Diagnostic[], code: FindingCode) {
  return diagnostics.filter((d) => d.code === code).map((d) => ({ file: d.file, line: d.line, path: d.path, params: d.params }));
}

/** The minimal estate with network.egress configured and Verfahren demo at Schutzbedarf hoch. */
const restricted = () =>
  EstateBuilder.minimal()
    .platform((p) => {
      p.spec.network = { egress: {} };
    })
    .verfahren('demo', (v) => {
      v.spec.schutzbedarf = 'hoch';
    });

describe('egress findings', () => {
  test('valid destinations in platform.yaml, a stage and a booking give no findings', () => {
    const b = restricted()
      .platform((p) => {
        p.spec.network!.egress!.allow = [{ cidr: '10.0.0.0/8', ports: [443] }, { cidr: '::/0', ports: [443] }];
        p.spec.stages[1].network = { egress: { allow: [{ namespace: 'monitoring', podLabels: { app: 'otel' }, ports: [4317] }] } };
      })
      .booking('demo', 'abnahme', (d) => {
        d.spec.egress = [{ cidr: '10.20.30.40/32', ports: [5432] }, { cidr: '2001:db8::/32', ports: [443], protocol: 'TCP' }, { namespace: 'shared-db', ports: [5432] }];
      });
    expect(b.validate().diagnostics).toEqual([]);
  });

  test('egress-destination-invalid: each reason, on the line of the offending value', () => {
    const b = restricted()
      .platform((p) => {
        p.spec.network!.egress!.allow = [{ cidr: '10.0.0.1/8', ports: [443] }];
      })
      .booking('demo', 'abnahme', (d) => {
        d.spec.egress = [
          { ports: [1] },
          { cidr: '10.1.0.0/16', namespace: 'both', ports: [2] },
          { cidr: '10.2.0.0/16', podLabels: { app: 'x' }, ports: [3] },
          { cidr: '10.256.0.0/16', ports: [4] },
          { cidr: '010.3.0.0/16', ports: [5] },
          { cidr: 'fe80::1::2/64', ports: [6] },
          { cidr: '10.4.0.0/33', ports: [7] },
        ];
      });
    const found = only(b.validate().diagnostics, 'egress-destination-invalid');
    expect(found).toEqual([
      { file: b.path('platform.yaml'), line: b.lineOf('platform.yaml', 'cidr: 10.0.0.1/8'), path: '/spec/network/egress/allow/0/cidr', params: { reason: 'host-bits', cidr: '10.0.0.1/8' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, '- ports:'), path: '/spec/egress/0', params: { reason: 'one-of' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: 10.1.0.0/16'), path: '/spec/egress/1', params: { reason: 'one-of', cidr: '10.1.0.0/16' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'podLabels:'), path: '/spec/egress/2/podLabels', params: { reason: 'pod-labels-with-cidr', cidr: '10.2.0.0/16' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: 10.256.0.0/16'), path: '/spec/egress/3/cidr', params: { reason: 'not-cidr', cidr: '10.256.0.0/16' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: 010.3.0.0/16'), path: '/spec/egress/4/cidr', params: { reason: 'not-cidr', cidr: '010.3.0.0/16' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: fe80::1::2/64'), path: '/spec/egress/5/cidr', params: { reason: 'not-cidr', cidr: 'fe80::1::2/64' } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: 10.4.0.0/33'), path: '/spec/egress/6/cidr', params: { reason: 'not-cidr', cidr: '10.4.0.0/33' } },
    ]);
    // A stage's destinations are checked too.
    const stage = restricted().platform((p) => {
      p.spec.stages[2].network = { egress: { allow: [{ ports: [1] }] } };
    });
    expect(only(stage.validate().diagnostics, 'egress-destination-invalid').map((d) => d.path)).toEqual(['/spec/stages/2/network/egress/allow/0']);
  });

  test('egress-cidr-too-broad: a booking may not open more than a /8 (IPv4) or /32 (IPv6); the platform may', () => {
    const b = restricted().booking('demo', 'abnahme', (d) => {
      d.spec.egress = [{ cidr: '0.0.0.0/0', ports: [443] }, { cidr: '10.0.0.0/8', ports: [443] }, { cidr: '2000::/3', ports: [443] }];
    });
    expect(only(b.validate().diagnostics, 'egress-cidr-too-broad')).toEqual([
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: 0.0.0.0/0'), path: '/spec/egress/0/cidr', params: { cidr: '0.0.0.0/0', min: 8 } },
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'cidr: 2000::/3'), path: '/spec/egress/2/cidr', params: { cidr: '2000::/3', min: 32 } },
    ]);
  });

  test('egress-not-restricted (info): declared destinations of a Schutzbedarf normal Fachverfahren whose egress is open', () => {
    const declare = (b: EstateBuilder) =>
      b.booking('demo', 'abnahme', (d) => {
        d.spec.egress = [{ namespace: 'shared-db', ports: [5432] }];
      });
    const normal = (b: EstateBuilder) => b.verfahren('demo', (v) => (v.spec.schutzbedarf = 'normal'));
    // No network.egress on the platform: normal is open.
    const open = declare(normal(EstateBuilder.minimal()));
    const found = open.validate().diagnostics;
    expect(found.map((d) => [d.code, d.severity, d.line, d.path])).toEqual([['egress-not-restricted', 'info', open.lineOf(BOOKING, 'egress:'), '/spec/egress']]);
    expect(found[0].params).toEqual({ verfahren: 'demo', stage: 'abnahme', schutzbedarf: 'normal' });
    expect(findingMessage(found[0], 'de')).toBe(
      'Egress von demo (Schutzbedarf normal) ist in abnahme offen, da platform.yaml Schutzbedarf normal nicht einschränkt (network.egress.normal); die Egress-Ziele wirken erst mit normal: restricted.',
    );
    expect(findingMessage(found[0], 'en')).toContain('take effect with normal: restricted');
    // network.egress without normal (default open), and normal: open written out.
    expect(only(declare(normal(restricted())).validate().diagnostics, 'egress-not-restricted')).toHaveLength(1);
    expect(only(declare(normal(restricted()).platform((p) => (p.spec.network!.egress!.normal = 'open'))).validate().diagnostics, 'egress-not-restricted')).toHaveLength(1);
    // normal: restricted: no finding.
    expect(declare(normal(restricted()).platform((p) => (p.spec.network!.egress!.normal = 'restricted'))).validate().diagnostics).toEqual([]);
    // hoch and sehr-hoch are restricted whatever the platform says: never this finding, with or without network.egress
    // (sehr-hoch gets placement findings in the minimal estate's clusters, which are not this test's concern).
    for (const schutzbedarf of ['hoch', 'sehr-hoch'] as const) {
      for (const b of [EstateBuilder.minimal(), restricted()]) {
        expect(only(declare(b.verfahren('demo', (v) => (v.spec.schutzbedarf = schutzbedarf))).validate().diagnostics, 'egress-not-restricted'), schutzbedarf).toEqual([]);
      }
    }
    expect(declare(EstateBuilder.minimal().verfahren('demo', (v) => (v.spec.schutzbedarf = 'hoch'))).validate().diagnostics).toEqual([]);
  });

  test('a booking with a refused destination is not rendered; the rest of the stage is', () => {
    const b = restricted().booking('demo', 'abnahme', (d) => {
      d.spec.egress = [{ cidr: '0.0.0.0/0', ports: [443] }];
    });
    const { value } = loadEstate({ snapshot: b.snapshot() });
    const r = renderEstate({ estate: value });
    expect(r.diagnostics).toEqual([]);
    expect([...r.files.keys()].some((p) => p.startsWith('abnahme/demo/'))).toBe(false);
    expect(r.files.get('abnahme/kustomization.yaml')).toContain('resources: []');
    expect([...r.files.keys()].some((p) => p.startsWith('vorpruefung/demo/'))).toBe(true);
  });
});

describe('egressRestricted', () => {
  type Spec = Parameters<typeof egressRestricted>[0];
  const withEgress = (egress: NonNullable<NonNullable<Spec>['network']>['egress']) => ({ network: { egress } }) as unknown as Spec;

  test('hoch and sehr-hoch always, whatever platform.yaml says; normal as network.egress.normal says (default open)', () => {
    for (const spec of [undefined, {} as Spec, withEgress({}), withEgress({ normal: 'open' }), withEgress({ normal: 'restricted' })]) {
      expect(egressRestricted(spec, 'hoch'), JSON.stringify(spec)).toBe(true);
      expect(egressRestricted(spec, 'sehr-hoch'), JSON.stringify(spec)).toBe(true);
    }
    expect(egressRestricted(undefined, 'normal')).toBe(false);
    expect(egressRestricted(withEgress({}), 'normal')).toBe(false);
    expect(egressRestricted(withEgress({ normal: 'open' }), 'normal')).toBe(false);
    expect(egressRestricted(withEgress({ normal: 'restricted' }), 'normal')).toBe(true);
  });

  test('a Schutzbedarf the schema does not know is restricted (the safe side)', () => {
    expect(egressRestricted(undefined, 'mittel')).toBe(true);
    expect(egressRestricted(withEgress({ normal: 'open' }), 'Normal')).toBe(true);
  });
});

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', { version: 4, prefix: 8, network: true }],
    ['10.0.0.1/8', { version: 4, prefix: 8, network: false }],
    ['192.168.1.7/32', { version: 4, prefix: 32, network: true }],
    ['0.0.0.0/0', { version: 4, prefix: 0, network: true }],
    ['::/0', { version: 6, prefix: 0, network: true }],
    ['2001:db8::/32', { version: 6, prefix: 32, network: true }],
    ['2001:db8::1/64', { version: 6, prefix: 64, network: false }],
    ['fd00:0:0:0:0:0:0:0/8', { version: 6, prefix: 8, network: true }],
    ['::ffff:a00:1/128', { version: 6, prefix: 128, network: true }],
  ])('%s', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  test.each(['10.0.0.0', '10.0.0/8', '10.0.0.0/33', '10.0.0.0/08', '1.2.3.4.5/8', '256.0.0.0/8', '01.0.0.0/8', '::1::/64', '1:2:3:4:5:6:7:8:9/64', '1:2:3:4:5:6:7/64', '12345::/16', '::/129', 'g::/16', ':/0'])(
    'rejects %s',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});
