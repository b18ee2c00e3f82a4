/**
 * Validation latency per edit: cosvm's validator vs yaml-language-server with the same JSON schema, and vs
 * the floor, a bare `yaml` `parseDocument` of the same text (DESIGN.md §6; peer method from
 * reference/peer-measurements.md §6).
 *
 * Method. Two documents: gcloud's canonical declaration (reference/konlet-spec.md §3.7, with its DISCLAIMER
 * header) and a generated 2,000-line one (517 env entries, 150 mounts, 150 volumes). yaml-language-server is
 * driven programmatically (`getLanguageService`, `configure` with our `declarationJsonSchema()` for
 * `*.cosvm.yaml`, `doValidation(doc, false)`). An edit is simulated by giving every call a distinct text (an
 * `# edit N` comment on the `spec:` line) built before the clock starts, and, for the language server, a new document
 * version, since it caches its parse per uri and version. Contenders run round-robin, with the starting one
 * rotated each round, so machine noise and GC pauses fall on all of them alike. 30 warm-up rounds, 200 timed
 * rounds; medians, min and max. Benchmarks report, tests assert: the exit code is 0 even when a target is missed.
 *
 * Run: bash bench/install-peers.sh && npx tsc -p tsconfig.test.json && node out/bench/validation.js
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { declarationJsonSchema } from '../src/core/declaration/schema';
import { validateDeclaration } from '../src/core/declaration/validate';
import { gcloudCanonical } from '../test/fixtures/gcloudCanonical';
import { konletDisclaimer } from '../src/core/declaration/render/konlet';
import { benchFigure, runBench, saveBenchResults, type BenchFigure } from './results';

const warmup = 30;
const timed = 200;
const root = path.resolve(__dirname, '..', '..');
const peerDir = path.join(root, '.tools', 'bench-peers');
const target = { vsLanguageServer: 0.5, vsParse: 1.25 };

// ---- Documents -------------------------------------------------------------------------------------------

/** reference/konlet-spec.md §3.7, byte for byte (46 lines). */
const canonical = gcloudCanonical;

/** A deterministic 2,000-line declaration in gcloud's layout (sorted keys, dashes at the parent's indent). */
function largeDeclaration(): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const lines = [konletDisclaimer.trimEnd(), '', 'spec:', '  containers:', '  - env:'];
  for (let i = 0; i < 517; i++) {
    // A mix of what real declarations hold: quoted numbers, plain words, URLs, booleans-as-strings.
    const value = [`'${8000 + i}'`, `value-${pad(i, 4)}`, `https://svc-${i}.internal:${9000 + i}/path`, `'true'`][i % 4] ?? '';
    lines.push(`    - name: VAR_${pad(i, 4)}`, `      value: ${value}`);
  }
  lines.push(`    image: gcr.io/p/app@sha256:${'0123456789abcdef'.repeat(4)}`, '    name: app', '    securityContext:', '      privileged: false', '    stdin: false', '    volumeMounts:');
  const volumeName = (i: number): string => [`host-path-${i}`, `tmpfs-${i - 50}`, `pd-${i - 100}`][Math.floor(i / 50)] ?? '';
  for (let i = 0; i < 150; i++) lines.push(`    - mountPath: /mnt/v${pad(i, 3)}`, `      name: ${volumeName(i)}`, `      readOnly: ${i % 2 === 0}`);
  lines.push('  restartPolicy: Always', '  volumes:');
  for (let i = 0; i < 50; i++) lines.push('  - hostPath:', `      path: /mnt/stateful_partition/app/d${pad(i, 2)}`, `    name: ${volumeName(i)}`);
  for (let i = 50; i < 100; i++) lines.push('  - emptyDir:', '      medium: Memory', `    name: ${volumeName(i)}`);
  for (let i = 100; i < 150; i++) lines.push('  - gcePersistentDisk:', '      fsType: ext4', `      pdName: disk-${i - 100}`, `    name: ${volumeName(i)}`);
  return `${lines.join('\n')}\n`;
}

const documents = [
  { name: 'canonical §3.7', uri: 'file:///bench/canonical.cosvm.yaml', text: canonical },
  { name: '2,000 lines', uri: 'file:///bench/large.cosvm.yaml', text: largeDeclaration() },
];

// ---- The peer, loaded from .tools/bench-peers and typed at the boundary ------------------------------------

interface PeerTextDocument {
  readonly version: number;
}
interface PeerLanguageService {
  configure(settings: unknown): void;
  doValidation(document: PeerTextDocument, isKubernetes: boolean): Promise<unknown>;
}
interface PeerModule {
  getLanguageService(params: { schemaRequestService: (uri: string) => Promise<string>; workspaceContext: { resolveRelativePath(relative: string, resource: string): string } }): unknown;
}
interface TextDocumentModule {
  TextDocument: { create(uri: string, languageId: string, version: number, content: string): PeerTextDocument };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
function isPeerModule(value: unknown): value is PeerModule {
  return isRecord(value) && typeof value['getLanguageService'] === 'function';
}
function isLanguageService(value: unknown): value is PeerLanguageService {
  return isRecord(value) && typeof value['configure'] === 'function' && typeof value['doValidation'] === 'function';
}
function isTextDocumentModule(value: unknown): value is TextDocumentModule {
  return isRecord(value) && isRecord(value['TextDocument']) && typeof value['TextDocument']['create'] === 'function';
}

function loadPeer(): { service: PeerLanguageService; createDocument: TextDocumentModule['TextDocument']['create']; version: string } {
  const peerRequire = createRequire(path.join(peerDir, 'package.json'));
  let peer: unknown;
  let textDocument: unknown;
  let manifest: unknown;
  try {
    // yaml-language-server 2.x is ESM; Node ≥ 20.19 loads it with require().
    peer = peerRequire('yaml-language-server');
    textDocument = peerRequire('vscode-languageserver-textdocument');
    manifest = peerRequire('yaml-language-server/package.json');
  } catch (error) {
    throw new Error(`yaml-language-server is not installed in ${peerDir}: run bash bench/install-peers.sh`, { cause: error });
  }
  if (!isPeerModule(peer) || !isTextDocumentModule(textDocument)) throw new Error('yaml-language-server: unexpected module shape');
  const service = peer.getLanguageService({
    schemaRequestService: (uri) => Promise.reject(new Error(`no schema fetching in the benchmark: ${uri}`)),
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
  });
  if (!isLanguageService(service)) throw new Error('yaml-language-server: unexpected language service shape');
  service.configure({ validate: true, schemas: [{ uri: 'https://cosvm.dev/schemas/declaration.json', fileMatch: ['*.cosvm.yaml'], schema: declarationJsonSchema() }] });
  const version = isRecord(manifest) && typeof manifest['version'] === 'string' ? manifest['version'] : 'unknown';
  return { service, createDocument: (uri, languageId, v, content) => textDocument.TextDocument.create(uri, languageId, v, content), version };
}

function messages(diagnostics: unknown): string[] {
  if (!Array.isArray(diagnostics)) throw new Error('yaml-language-server: doValidation did not return an array');
  return diagnostics.map((d: unknown) => (isRecord(d) && typeof d['message'] === 'string' ? d['message'] : String(d)));
}

// ---- Measurement -----------------------------------------------------------------------------------------

type Contender = 'yaml-language-server' | 'cosvm konlet' | 'cosvm cloud-init' | 'yaml parseDocument';
const contenders: readonly Contender[] = ['yaml-language-server', 'cosvm konlet', 'cosvm cloud-init', 'yaml parseDocument'];

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 0 ? ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2 : (sorted[Math.floor(mid)] ?? 0);
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

async function measure(peer: ReturnType<typeof loadPeer>, uri: string, text: string): Promise<Record<Contender, Stats>> {
  const samples: Record<Contender, number[]> = { 'yaml-language-server': [], 'cosvm konlet': [], 'cosvm cloud-init': [], 'yaml parseDocument': [] };
  let version = 1000;
  let sink = 0; // keeps results alive so no call is optimised away
  const run = async (contender: Contender, edit: string): Promise<number> => {
    switch (contender) {
      case 'yaml-language-server': {
        const document = peer.createDocument(uri, 'yaml', ++version, edit);
        const start = performance.now();
        const result = await peer.service.doValidation(document, false);
        const elapsed = performance.now() - start;
        sink += Array.isArray(result) ? result.length : 0;
        return elapsed;
      }
      case 'cosvm konlet':
      case 'cosvm cloud-init': {
        const mode = contender === 'cosvm konlet' ? 'konlet' : 'cloud-init';
        const start = performance.now();
        const result = validateDeclaration(edit, { mode });
        const elapsed = performance.now() - start;
        sink += result.length;
        return elapsed;
      }
      case 'yaml parseDocument': {
        const start = performance.now();
        const result = parseDocument(edit);
        const elapsed = performance.now() - start;
        sink += result.errors.length;
        return elapsed;
      }
    }
  };
  let call = 0;
  for (let round = 0; round < warmup + timed; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length] as Contender;
      // The edit marker goes on an existing line, as typing does (a new comment line would be a different document shape).
      const elapsed = await run(contender, text.replace(/^spec:$/m, `spec:  # edit ${call++}`));
      if (round >= warmup) samples[contender].push(elapsed);
    }
  }
  if (sink < 0) throw new Error('unreachable');
  return { 'yaml-language-server': stats(samples['yaml-language-server']), 'cosvm konlet': stats(samples['cosvm konlet']), 'cosvm cloud-init': stats(samples['cosvm cloud-init']), 'yaml parseDocument': stats(samples['yaml parseDocument']) };
}

// ---- Main ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const peer = loadPeer();

  // The schema must really be applied: both documents clean, a broken copy flagged.
  const checks: Record<string, string[]> = {};
  for (const doc of documents) checks[doc.name] = messages(await peer.service.doValidation(peer.createDocument(doc.uri, 'yaml', 1, doc.text), false));
  const broken = canonical.replace('image: gcr.io/p/app:1', 'image: ""').replace('restartPolicy: OnFailure', 'restartPolicy: onfailure');
  checks['canonical, broken (image: "", restartPolicy: onfailure)'] = messages(await peer.service.doValidation(peer.createDocument('file:///bench/broken.cosvm.yaml', 'yaml', 1, broken), false));
  console.log(`yaml-language-server ${peer.version}, schema check:`);
  for (const [name, found] of Object.entries(checks)) console.log(`  ${name}: ${found.length} diagnostics${found.length ? `: ${found.map((m) => JSON.stringify(m)).join('; ')}` : ''}`);
  const schemaApplied = documents.every((doc) => checks[doc.name]?.length === 0) && (checks['canonical, broken (image: "", restartPolicy: onfailure)']?.length ?? 0) > 0;
  console.log(`  schema applied: ${schemaApplied ? 'yes' : 'NO — the ratios below are not comparable'}`);
  const ours = Object.fromEntries(documents.map((doc) => [doc.name, { konlet: validateDeclaration(doc.text, { mode: 'konlet' }).map((d) => d.code), 'cloud-init': validateDeclaration(doc.text, { mode: 'cloud-init' }).map((d) => d.code) }]));
  console.log(`cosvm diagnostics (by code): ${JSON.stringify(ours)}`);

  const results = [];
  const figures: BenchFigure[] = [];
  for (const doc of documents) {
    const lineCount = doc.text.split('\n').length - 1;
    const measured = await measure(peer, doc.uri, doc.text);
    const peerMedian = measured['yaml-language-server'].median;
    const floorMedian = measured['yaml parseDocument'].median;
    const label = `validation ${lineCount.toLocaleString('en-US')} lines`;
    const slower = Math.max(measured['cosvm konlet'].median, measured['cosvm cloud-init'].median);
    figures.push(
      benchFigure(`${label}, konlet vs yaml-language-server`, { ours: measured['cosvm konlet'].median, peer: peerMedian, unit: 'ms' }, { kind: 'ratioAtMost', value: target.vsLanguageServer }),
      benchFigure(`${label}, cloud-init vs yaml-language-server`, { ours: measured['cosvm cloud-init'].median, peer: peerMedian, unit: 'ms' }, { kind: 'ratioAtMost', value: target.vsLanguageServer }),
      benchFigure(`${label}, slower mode vs bare yaml parse`, { ours: slower, peer: floorMedian, unit: 'ms' }, { kind: 'ratioAtMost', value: target.vsParse }),
    );
    for (const contender of contenders) {
      const s = measured[contender];
      const isOurs = contender.startsWith('cosvm');
      const vsLanguageServer = s.median / peerMedian;
      const vsParse = s.median / floorMedian;
      results.push({
        document: doc.name,
        lines: lineCount,
        contender,
        ...s,
        vsLanguageServer,
        vsParse,
        ...(isOurs ? { target: `≤${target.vsLanguageServer}× LS, ≤${target.vsParse}× parse`, met: vsLanguageServer <= target.vsLanguageServer && vsParse <= target.vsParse, metVsLanguageServer: vsLanguageServer <= target.vsLanguageServer, metVsParse: vsParse <= target.vsParse } : {}),
      });
    }
  }

  const header = ['document', 'contender', 'median ms', 'min', 'max', '× LS', '× parse', 'target', 'met?'];
  const rows = results.map((r) => [`${r.document} (${r.lines})`, r.contender, r.median.toFixed(3), r.min.toFixed(3), r.max.toFixed(3), r.vsLanguageServer.toFixed(2), r.vsParse.toFixed(2), r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : `no${r.metVsLanguageServer ? '' : ' (LS)'}${r.metVsParse ? '' : ' (parse)'}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  console.log(`\n${timed} timed calls each after ${warmup} warm-up, round-robin; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));

  // Without the schema the peer does less work than ours: no verdict then.
  const verdicts = schemaApplied ? figures : figures.map((f) => ({ ...f, figure: `${f.figure} (peer schema NOT applied)`, met: undefined }));
  saveBenchResults('validation', { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, peer: `yaml-language-server@${peer.version}`, warmup, timed, targets: target, schemaCheck: { applied: schemaApplied, diagnostics: checks }, cosvmDiagnostics: ours, results }, verdicts);
}

runBench(main);
