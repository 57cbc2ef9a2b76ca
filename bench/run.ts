/**
 * `npm run bench [-- --json] [-- --only id-prefix] [-- --runs N]`: Berth's figures beside raw baselines
 * measured in the same run. Benchmarks are not tests: nothing here asserts a time.
 */
import { parseArgs } from 'node:util';
import { benchApiList } from './cases/api-list.js';
import { benchCreateDocker } from './cases/create-docker.js';
import { benchCreateLocal } from './cases/create-local.js';
import { benchDashboardFrame } from './cases/dashboard-frame.js';
import { benchOrchestrator } from './cases/orchestrator.js';
import { benchProxy } from './cases/proxy.js';
import { benchProxyConnect } from './cases/proxy-connect.js';
import { benchSampler } from './cases/sampler.js';
import { ensureBuilt } from './harness.js';
import { formatLine, type Figure } from './stats.js';

/** Default runs per A/B figure. */
const DEFAULT_RUNS = 20;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
  },
});
const runs = values.runs ? Number.parseInt(values.runs, 10) : DEFAULT_RUNS;

const cases: { prefix: string; run: () => Promise<Figure[]> }[] = [
  { prefix: 'create.local', run: () => benchCreateLocal(runs) },
  { prefix: 'create.docker', run: () => benchCreateDocker(Math.max(5, Math.round(runs / 2))) },
  { prefix: 'api.list', run: () => benchApiList() },
  { prefix: 'orchestrator', run: () => benchOrchestrator(Math.max(5, Math.round(runs / 2))) },
  { prefix: 'proxy', run: () => benchProxy(runs) },
  { prefix: 'proxy.connect', run: () => benchProxyConnect() },
  { prefix: 'sampler', run: () => benchSampler(runs) },
  { prefix: 'dashboard', run: () => benchDashboardFrame() },
];

ensureBuilt();
const figures: Figure[] = [];
for (const c of cases) {
  if (values.only && !c.prefix.startsWith(values.only)) continue;
  const out = await c.run();
  figures.push(...out);
  if (!values.json) for (const f of out) console.log(formatLine(f));
}
if (values.json) {
  console.log(JSON.stringify(figures.map(({ goal: _goal, ...f }) => f), null, 2));
}
process.exit(0);
