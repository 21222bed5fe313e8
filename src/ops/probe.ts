// A health probe for container healthchecks, where the image has Node but no curl or wget:
//   node dist/src/ops/probe.js /readyz      exit 0 when the path answers 2xx on METRICS_PORT, else 1
// It reads only METRICS_PORT, so it works in any container that runs Herald with the same environment.
const path = process.argv[2] ?? '/readyz';
const port = Number(process.env.METRICS_PORT ?? '');
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('METRICS_PORT is not set: Herald serves no health endpoints');
  process.exit(1);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4_000) });
  const body = await response.text();
  if (!response.ok) console.error(`${path}: ${response.status} ${body}`);
  process.exit(response.ok ? 0 : 1);
} catch (err) {
  console.error(`${path}: ${(err as Error).message}`);
  process.exit(1);
}
