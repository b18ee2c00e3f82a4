import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dumpCanonicalYaml, type YamlValue } from '../../../../src/core/declaration/render/canonicalYaml';

// Expected texts below were produced by ruamel.yaml 0.15.93 (the version gcloud bundles) with
// safe_dump(data, default_flow_style=False, indent=2); Debian's 0.17.21 gives the same except for `{'': x}`.

const LONG = 'very long string with spaces that goes past the eighty column limit of the emitter and keeps going on';
const LONG_FOLDED = 'very long string with spaces that goes past the eighty column limit of the emitter\n  and keeps going on';

/** [string, dump of { v: string }] */
const TRICKY_STRINGS: [string, string][] = [
  ['', 'v: \'\'\n'],
  ['yes', 'v: yes\n'],
  ['no', 'v: no\n'],
  ['on', 'v: on\n'],
  ['Off', 'v: Off\n'],
  ['y', 'v: y\n'],
  ['n', 'v: n\n'],
  ['true', 'v: \'true\'\n'],
  ['False', 'v: \'False\'\n'],
  ['~', 'v: \'~\'\n'],
  ['null', 'v: \'null\'\n'],
  ['Null', 'v: \'Null\'\n'],
  ['1', 'v: \'1\'\n'],
  ['-1', 'v: \'-1\'\n'],
  ['+1', 'v: \'+1\'\n'],
  ['0123', 'v: \'0123\'\n'],
  ['0o17', 'v: \'0o17\'\n'],
  ['0x1F', 'v: \'0x1F\'\n'],
  ['0b101', 'v: \'0b101\'\n'],
  ['1e3', 'v: \'1e3\'\n'],
  ['1.5', 'v: \'1.5\'\n'],
  ['.5', 'v: \'.5\'\n'],
  ['1.', 'v: \'1.\'\n'],
  ['.inf', 'v: \'.inf\'\n'],
  ['-.Inf', 'v: \'-.Inf\'\n'],
  ['.nan', 'v: \'.nan\'\n'],
  ['1_000', 'v: \'1_000\'\n'],
  ['_', 'v: _\n'],
  ['1:20', 'v: 1:20\n'],
  ['2001-12-14', 'v: \'2001-12-14\'\n'],
  ['2001-12-14 21:59:43.10 -5', 'v: \'2001-12-14 21:59:43.10 -5\'\n'],
  ['-c', 'v: -c\n'],
  ['-', 'v: \'-\'\n'],
  ['--', 'v: --\n'],
  ['---', 'v: \'---\'\n'],
  ['... x', 'v: \'... x\'\n'],
  ['- a', 'v: \'- a\'\n'],
  [': x', 'v: \': x\'\n'],
  [':x', 'v: :x\n'],
  ['a: b', 'v: \'a: b\'\n'],
  ['a:b', 'v: a:b\n'],
  ['a #b', 'v: \'a #b\'\n'],
  ['a#b', 'v: a#b\n'],
  ['#x', 'v: \'#x\'\n'],
  ['*x', 'v: \'*x\'\n'],
  ['&x', 'v: \'&x\'\n'],
  ['!x', 'v: \'!x\'\n'],
  ['%x', 'v: \'%x\'\n'],
  ['@x', 'v: \'@x\'\n'],
  ['`x', 'v: \'`x\'\n'],
  ['[x', 'v: \'[x\'\n'],
  ['x]', 'v: x]\n'],
  ['{x', 'v: \'{x\'\n'],
  ['x, y', 'v: x, y\n'],
  ['|', 'v: \'|\'\n'],
  ['>', 'v: \'>\'\n'],
  ['\'x', 'v: "\'x"\n'],
  ['"q"', 'v: \'"q"\'\n'],
  ['it\'s', 'v: it\'s\n'],
  ['x ', 'v: \'x \'\n'],
  [' x', 'v: \' x\'\n'],
  ['  ', 'v: \'  \'\n'],
  ['a  b', 'v: a  b\n'],
  ['a\nb', 'v: "a\\nb"\n'],
  ['a\n', 'v: "a\\n"\n'],
  ['\n', 'v: "\\n"\n'],
  ['a \nb', 'v: "a \\nb"\n'],
  ['a\n b', 'v: "a\\n b"\n'],
  ['tab\there', 'v: "tab\\there"\n'],
  ['cr\r', 'v: "cr\\r"\n'],
  ['nul\0', 'v: "nul\\0"\n'],
  ['del\x7f', 'v: "del\\x7F"\n'],
  ['nbsp\xa0', 'v: "nbsp\\_"\n'],
  ['bom\ufeff', 'v: "bom\\uFEFF"\n'],
  ['nel\x85', 'v: "nel\\N"\n'],
  ['ls\u2028', 'v: "ls\\L"\n'],
  ['\xfcn\xef', 'v: "\\xFCn\\xEF"\n'],
  ['\u{1f600}', 'v: "\\U0001F600"\n'],
  ['<<', 'v: \'<<\'\n'],
  ['=', 'v: \'=\'\n'],
  ['?', 'v: \'?\'\n'],
  ['?x', 'v: ?x\n'],
  ['? x', 'v: \'? x\'\n'],
  ['x?', 'v: x?\n'],
  ['x: ', 'v: \'x: \'\n'],
  ['gcr.io/p/app:1', 'v: gcr.io/p/app:1\n'],
  ['http://x.y/z?a=b#c', 'v: http://x.y/z?a=b#c\n'],
  [LONG, `v: ${LONG_FOLDED}\n`],
  ['x'.repeat(100), `v: ${'x'.repeat(100)}\n`],
  [`a ${'b'.repeat(90)} c`, `v: a ${'b'.repeat(90)}\n  c\n`],
  [`${LONG}'s`, `v: ${LONG_FOLDED}'s\n`],
  [
    `${LONG}\n${LONG}`,
    'v: "very long string with spaces that goes past the eighty column limit of the emitter\\\n' +
      '  \\ and keeps going on\\nvery long string with spaces that goes past the eighty column\\\n' +
      '  \\ limit of the emitter and keeps going on"\n',
  ],
  [
    `\u00fc${LONG}`,
    'v: "\\xFCvery long string with spaces that goes past the eighty column limit of the\\\n' +
      '  \\ emitter and keeps going on"\n',
  ],
  ['w '.repeat(45), `v: '${'w '.repeat(38)}w\n  ${'w '.repeat(6)}'\n`],
];

/** [value, dump] for layouts: root scalars, nesting, empty collections, complex keys, key order, numbers. */
const STRUCTURES: [YamlValue, string][] = [
  ['a', '\n  a\n'],
  ['', "\n  ''\n"],
  [5, '\n  5\n'],
  [null, '\n  null\n'],
  [true, '\n  true\n'],
  [1.5, '\n  1.5\n'],
  [[], '[]\n'],
  [{}, '{}\n'],
  [[[]], '- []\n'],
  [[{}], '- {}\n'],
  [[[1, [2, 3]], { a: [], b: {} }], '- - 1\n  - - 2\n    - 3\n- a: []\n  b: {}\n'],
  [[[[['x']]]], '- - - - x\n'],
  [{ a: [[]], b: [{}] }, 'a:\n- []\nb:\n- {}\n'],
  [{ k: [{ a: [{ b: 1 }] }] }, 'k:\n- a:\n  - b: 1\n'],
  [{ 'a\nb': 2 }, '? "a\\nb"\n: 2\n'],
  [{ ['k'.repeat(130)]: 'v', short: 'k'.repeat(130) }, `? ${'k'.repeat(130)}\n: v\nshort: ${'k'.repeat(130)}\n`],
  // The simple-key limit (128) counts the implicit `!!str` tag too, so 122 code points is the longest simple key.
  [{ ['k'.repeat(122)]: 1, ['q'.repeat(123)]: 2 }, `${'k'.repeat(122)}: 1\n? ${'q'.repeat(123)}\n: 2\n`],
  [
    { z: 1, B: 2, a: 3, '\ue000': 4, '\u{1f600}': 5, _: 6, skipped: undefined },
    'B: 2\n_: 6\na: 3\nz: 1\n"\\uE000": 4\n"\\U0001F600": 5\n',
  ],
  [
    [0, -7, 2 ** 60, 0.1, -2.5e-7, 1e-5, 123.456, Infinity, -Infinity, NaN],
    '- 0\n- -7\n- 1152921504606846976\n- 0.1\n- -2.5e-07\n- 1e-05\n- 123.456\n- .inf\n- -.inf\n- .nan\n',
  ],
  [
    { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 'deep value with spaces that will need folding at some point here' } } } } } } } } } },
    'a:\n  b:\n    c:\n      d:\n        e:\n          f:\n            g:\n              h:\n                i:\n' +
      '                  j: deep value with spaces that will need folding at some point here\n',
  ],
];

/** The oracle: ruamel's safe_dump, run over a JSON array in one process (pure-Python emitting is the slow part). */
const ORACLE_SCRIPT = `
import json, sys, warnings
warnings.simplefilter('ignore')  # 0.17 flags the old safe_dump API as deprecated; gcloud still calls it
import ruamel.yaml
values = json.loads(sys.stdin.buffer.read().decode('utf-8'))
outputs = [ruamel.yaml.safe_dump(v, default_flow_style=False, indent=2) for v in values]
sys.stdout.write(json.dumps({'version': ruamel.yaml.__version__, 'outputs': outputs}))
`;

interface Oracle {
  dump(values: YamlValue[]): { version: string; outputs: string[] };
}

/** `python3` on PATH may be a pyenv build without Debian's python3-ruamel.yaml, so try the system one too. */
function findOracle(): Oracle | undefined {
  const candidates = [process.env.COSVM_YAML_ORACLE_PYTHON, 'python3', '/usr/bin/python3'];
  for (const python of candidates) {
    if (python === undefined || python === '') continue;
    const probe = spawnSync(python, ['-c', 'import ruamel.yaml'], { encoding: 'utf8' });
    if (probe.status === 0) return { dump: (values) => runOracle(python, values) };
  }
  return undefined;
}

function runOracle(python: string, values: YamlValue[]): { version: string; outputs: string[] } {
  const input = '[' + values.map(toPythonJson).join(',') + ']';
  const result = spawnSync(python, ['-c', ORACLE_SCRIPT], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(result.status, 0, `oracle failed: ${result.stderr}`);
  const parsed: unknown = JSON.parse(result.stdout);
  assert.ok(isOracleResult(parsed) && parsed.outputs.length === values.length, 'oracle answered in an unexpected shape');
  return parsed;
}

function isOracleResult(value: unknown): value is { version: string; outputs: string[] } {
  if (typeof value !== 'object' || value === null) return false;
  const { version, outputs } = value as { version?: unknown; outputs?: unknown };
  return typeof version === 'string' && Array.isArray(outputs) && outputs.every((o) => typeof o === 'string');
}

/**
 * JSON that Python's json module reads back as the same data our dumper sees: integral numbers as exact ints
 * (JSON.stringify would write 2**70 as a float), NaN and the infinities as Python's literals, undefined skipped.
 */
function toPythonJson(value: YamlValue): string {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return BigInt(value).toString();
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map(toPythonJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) members.push(JSON.stringify(key) + ':' + toPythonJson(item));
    }
    return '{' + members.join(',') + '}';
  }
  return JSON.stringify(value);
}

/** mulberry32: small, seeded, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** YAML indicators, whitespace and breaks of every kind, digits, resolver letters, non-ASCII and lone surrogates. */
const ALPHABET = [
  ...'abeflnotxyABNTY0123456789._-+?:,[]{}#&*!|>\'"%@`~<=\\/',
  ...'     ',
  '\n', '\n', '\t', '\r', '\0', '\x7f', '\x85', '\xa0', '\u2028', '\ufeff', '\u00fc', '\u20ac', '\ue000', '\u{1f600}',
  '\ud800', '\udc00',
];
const WORDS = [
  'yes', 'no', 'on', 'Off', 'y', 'true', 'False', 'null', '~', '1', '-1', '0123', '0o17', '0x1F', '0b1', '1e3', '1.5',
  '.inf', '.NaN', '1_000', '1:20', '2001-12-14', '2001-12-14 21:59:43.10 -5', '<<', '=', '-', '---', '...', '- a',
  '? x', ': x', 'a: b', 'a #b', 'gcr.io/p/app:1', 'echo hi',
];

class RandomValues {
  constructor(private readonly random: () => number) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  string(): string {
    const mode = this.random();
    if (mode < 0.2) return this.pick(WORDS);
    if (mode < 0.4) {
      // Words and single spaces, long enough to make the emitter fold at column 80.
      const words: string[] = [];
      const count = this.int(1, 30);
      for (let i = 0; i < count; i++) words.push(this.random() < 0.3 ? this.pick(WORDS) : this.chars(this.int(1, 9)));
      return words.join(' ');
    }
    return this.chars(this.random() < 0.85 ? this.int(0, 12) : this.int(40, 200));
  }

  chars(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += this.pick(ALPHABET);
    return text;
  }

  number(): number {
    const mode = this.random();
    if (mode < 0.4) return this.int(-1000, 100000);
    if (mode < 0.5) return this.pick([2 ** 53 + 2, -(2 ** 60), 1e21, Number.MAX_SAFE_INTEGER, -0, NaN, Infinity, -Infinity]);
    return (this.random() * 2 - 1) * 10 ** this.int(-12, 15);
  }

  value(depth: number): YamlValue {
    const mode = this.random();
    if (depth < 5 && mode < 0.2) return Array.from({ length: this.int(0, 4) }, () => this.value(depth + 1));
    if (depth < 5 && mode < 0.45) {
      const map: { [key: string]: YamlValue | undefined } = {};
      const count = this.int(0, 5);
      for (let i = 0; i < count; i++) {
        // Keys are never empty: ruamel 0.17 writes `'': x` where gcloud's 0.15.93 writes `? ''` (pinned above).
        const key = this.random() < 0.05 ? this.chars(this.int(118, 130)) : this.string() || 'k';
        map[key] = this.random() < 0.1 ? undefined : this.value(depth + 1);
      }
      return map;
    }
    if (mode < 0.8) return this.string();
    if (mode < 0.9) return this.number();
    return this.pick([true, false, null]);
  }
}

describe('dumpCanonicalYaml', () => {
  describe('konlet-spec §3.7 examples', () => {
    it('renders the full create-with-container manifest', () => {
      const manifest: YamlValue = {
        spec: {
          containers: [
            {
              args: ['-c', 'echo hi'],
              command: ['/bin/sh'],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: 'two' },
                { name: 'PORT', value: '8080' },
              ],
              image: 'gcr.io/p/app:1',
              name: 'my-vm',
              securityContext: { privileged: true },
              stdin: true,
              tty: true,
              volumeMounts: [
                { mountPath: '/data', name: 'host-path-0', readOnly: true },
                { mountPath: '/cache', name: 'tmpfs-0' },
                { mountPath: '/pd', name: 'pd-0', readOnly: false },
              ],
            },
          ],
          restartPolicy: 'OnFailure',
          volumes: [
            { hostPath: { path: '/var/data' }, name: 'host-path-0' },
            { emptyDir: { medium: 'Memory' }, name: 'tmpfs-0' },
            { gcePersistentDisk: { fsType: 'ext4', pdName: 'd1' }, name: 'pd-0' },
          ],
        },
      };
      const expected = [
        'spec:',
        '  containers:',
        '  - args:',
        '    - -c',
        '    - echo hi',
        '    command:',
        '    - /bin/sh',
        '    env:',
        '    - name: A',
        "      value: '1'",
        '    - name: B',
        '      value: two',
        '    - name: PORT',
        "      value: '8080'",
        '    image: gcr.io/p/app:1',
        '    name: my-vm',
        '    securityContext:',
        '      privileged: true',
        '    stdin: true',
        '    tty: true',
        '    volumeMounts:',
        '    - mountPath: /data',
        '      name: host-path-0',
        '      readOnly: true',
        '    - mountPath: /cache',
        '      name: tmpfs-0',
        '    - mountPath: /pd',
        '      name: pd-0',
        '      readOnly: false',
        '  restartPolicy: OnFailure',
        '  volumes:',
        '  - hostPath:',
        '      path: /var/data',
        '    name: host-path-0',
        '  - emptyDir:',
        '      medium: Memory',
        '    name: tmpfs-0',
        '  - gcePersistentDisk:',
        '      fsType: ext4',
        '      pdName: d1',
        '    name: pd-0',
        '',
      ].join('\n');
      assert.equal(dumpCanonicalYaml(manifest), expected);
    });

    it('renders the minimal manifest, keys given out of order', () => {
      const manifest: YamlValue = {
        spec: {
          volumes: [],
          restartPolicy: 'Always',
          containers: [
            { volumeMounts: [], tty: false, stdin: false, securityContext: { privileged: false }, name: 'vm-1', image: 'nginx' },
          ],
        },
      };
      const expected = [
        'spec:',
        '  containers:',
        '  - image: nginx',
        '    name: vm-1',
        '    securityContext:',
        '      privileged: false',
        '    stdin: false',
        '    tty: false',
        '    volumeMounts: []',
        '  restartPolicy: Always',
        '  volumes: []',
        '',
      ].join('\n');
      assert.equal(dumpCanonicalYaml(manifest), expected);
    });
  });

  describe('strings, as pinned from gcloud’s ruamel 0.15.93', () => {
    for (const [text, expected] of TRICKY_STRINGS) {
      it(`writes ${JSON.stringify(text).slice(0, 40)}`, () => {
        assert.equal(dumpCanonicalYaml({ v: text }), expected);
      });
    }
  });

  describe('layouts, as pinned from gcloud’s ruamel 0.15.93', () => {
    for (const [value, expected] of STRUCTURES) {
      it(`writes ${JSON.stringify(value).slice(0, 50)}`, () => {
        assert.equal(dumpCanonicalYaml(value), expected);
      });
    }

    it('writes an empty key as a complex key, as 0.15.93 does (0.17 writes `\'\': 1`)', () => {
      assert.equal(dumpCanonicalYaml({ '': 1 }), "? ''\n: 1\n");
    });
  });

  describe('against the ruamel oracle', function () {
    this.timeout(120_000);
    let oracle: Oracle | undefined;

    before(() => {
      oracle = findOracle();
    });

    function requireOracle(): Oracle {
      assert.ok(oracle, 'no python3 with ruamel.yaml: install python3-ruamel.yaml (scripts/setup.sh) or set COSVM_YAML_ORACLE_PYTHON');
      return oracle;
    }

    function assertSameAsOracle(values: YamlValue[]): void {
      const { outputs } = requireOracle().dump(values);
      values.forEach((value, i) => {
        assert.equal(dumpCanonicalYaml(value), outputs[i], `case ${i}: ${toPythonJson(value)}`);
      });
    }

    it('agrees on every tricky string as a value, a list item and a key', () => {
      const values: YamlValue[] = [];
      for (const [text] of TRICKY_STRINGS) {
        values.push({ v: text }, [text, [text]], { outer: { [text || 'k']: [text] } }, text);
      }
      assertSameAsOracle(values);
    });

    it('agrees on every pinned layout', () => {
      assertSameAsOracle(STRUCTURES.map(([value]) => value));
    });

    it('agrees byte for byte on 2,500 random nested values', () => {
      const random = new RandomValues(prng(0xc05f));
      const values = Array.from({ length: 2500 }, () => random.value(0));
      assertSameAsOracle(values);
    });
  });
});
