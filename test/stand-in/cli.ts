// Runs the stand-in from a terminal: `npm run stand-in [-- --port 8787 --api-key k --delay 40]`.
// The first stdout line is the base URL (scripts read it); every request is logged after it.
import { startStandIn } from './index';

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(flag('port') ?? process.env.STAND_IN_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${flag('port') ?? process.env.STAND_IN_PORT}`);
  const standIn = await startStandIn({
    port,
    host: flag('host') ?? '127.0.0.1',
    apiKey: flag('api-key') ?? process.env.STAND_IN_API_KEY,
    deltaDelayMs: Number(flag('delay') ?? process.env.STAND_IN_DELAY_MS ?? 0),
    onRequest: (r) => {
      const retry = r.headers['x-stainless-retry-count'];
      console.log(`${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}${retry && retry !== '0' ? ` (retry ${retry})` : ''}`);
    },
  });
  console.log(standIn.baseUrl);
  const stop = () => {
    void standIn.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
