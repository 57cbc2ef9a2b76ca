/**
 * Test-only preload (`node --import <this file> …`): on SIGUSR2 the process gets one promise rejection
 * nobody handles and one exception nobody catches, the faults the orchestrator's process-wide handlers
 * must survive. Never imported by product code; nothing happens without the signal.
 */
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('injected fault: a promise nobody handled'));
  setTimeout(() => {
    throw new Error('injected fault: an exception nobody caught');
  }, 0);
});
