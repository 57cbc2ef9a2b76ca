/**
 * Entry of the built orchestrator (out/main/orchestrator.js): turns on Node's on-disk compile cache
 * where the runtime has one, then loads the orchestrator (main.ts), so every later start skips parsing
 * and compiling the code it loaded before.
 *
 * `module.enableCompileCache` exists from Node 22.1 (Electron's utilityProcess has it); on Node 20 the
 * call is skipped and nothing changes. The cache lives in Node's default place (the OS temp folder) and
 * is checked against each file's content, so a rebuilt bundle is never run from stale code.
 * https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
 */
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./main.js');
