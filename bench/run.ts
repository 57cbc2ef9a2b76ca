/**
 * `npm run bench [-- --json] [-- --only id-prefix] [-- --runs N]`: Berth's figures beside raw baselines
 * measured in the same run. Benchmarks are not tests: nothing here asserts a time.
 */
import { parseArgs } from 'node:util';
import { benchApiList } from './cases/api-list.js';
import { benchChangesOpen } from './cases/changes-open.js';
import { benchCreateDocker } from './cases/create-docker.js';
import { benchCreateLocal } from './cases/create-local.js';
import { benchCreateReady } from './cases/create-ready.js';
import { benchDashboardFrame } from './cases/dashboard-frame.js';
import { benchGitWatch } from './cases/git-watch.js';
import { benchManySessions } from './cases/many-sessions.js';
import { benchOrchestrator } from './cases/orchestrator.js';
import { benchProxy } from './cases/proxy.js';
import { benchProxyConnect } from './cases/proxy-connect.js';
import { benchSampler } from './cases/sampler.js';
import { ensureBuilt } from './harness.js';
import { formatLine, type Figure } from './stats.js';

/** Default runs per A/B figure. */
const DEFAULT_RUNS = 20;

const USAGE = `usage: npm run bench [-- --json] [-- --only ID-PREFIX] [-- --runs N]
  --json           print the figures as JSON ({id, value, unit, baseline, ratio, p50, p95, p99, runs})
  --only PREFIX    run only the cases whose figure ids start with PREFIX (e.g. proxy, create.docker)
  --runs N         runs per A/B figure (default ${DEFAULT_RUNS})`;

/** The command line, or a usage error (exit 2) naming what is wrong. */
function parseCommandLine() {
  try {
    const { values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        only: { type: 'string' },
        runs: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const runs = values.runs === undefined ? DEFAULT_RUNS : Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of at least 1, not "${values.runs}"`);
    return { json: values.json, only: values.only, runs };
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = parseCommandLine();
const runs = values.runs;

/** A case runs when `--only` is a prefix of one of its figure-id prefixes. */
const cases: { prefixes: string[]; run: () => Promise<Figure[]> }[] = [
  { prefixes: ['create.local'], run: () => benchCreateLocal(runs) },
  { prefixes: ['create.local.ready'], run: () => benchCreateReady(Math.max(5, Math.round(runs / 3))) },
  { prefixes: ['create.docker'], run: () => benchCreateDocker(Math.max(5, Math.round(runs / 2))) },
  { prefixes: ['api.list'], run: () => benchApiList() },
  { prefixes: ['orchestrator'], run: () => benchOrchestrator(Math.max(5, Math.round(runs / 2))) },
  { prefixes: ['orchestrator.rss.50', 'event_loop'], run: () => benchManySessions() },
  { prefixes: ['proxy'], run: () => benchProxy(runs) },
  { prefixes: ['proxy.connect'], run: () => benchProxyConnect() },
  { prefixes: ['sampler'], run: () => benchSampler(runs) },
  { prefixes: ['dashboard'], run: () => benchDashboardFrame() },
  { prefixes: ['git.watch30'], run: () => benchGitWatch(runs) },
  { prefixes: ['changes.open200'], run: () => benchChangesOpen(runs) },
];

ensureBuilt();
const figures: Figure[] = [];
for (const c of cases) {
  if (values.only && !c.prefixes.some((p) => p.startsWith(values.only!))) continue;
  const out = await c.run();
  figures.push(...out);
  if (!values.json) for (const f of out) console.log(formatLine(f));
}
if (values.json) {
  console.log(JSON.stringify(figures.map(({ goal: _goal, ...f }) => f), null, 2));
}
process.exit(0);
