// The container deployment: docker-compose.yml as Docker Compose resolves it (`docker compose config`,
// which needs the client only, no engine) and the Dockerfile, read as text. Nothing is started here.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureComposeCli } from '../src/infra/compose-cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

// Docker Compose v2: the docker plugin, or built from the Go module proxy on first use.
let compose: string[];
beforeAll(async () => {
  compose = await ensureComposeCli();
}, 600_000);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; start_period?: string };
  profiles?: string[];
  ports?: { target: number; published?: string; host_ip?: string }[];
  volumes?: { type: string; source?: string; target: string }[];
  restart?: string;
  stop_grace_period?: string;
}
interface ComposeProject {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * The resolved compose file. Only PATH and HOME are passed on and no .env file is read, so the
 * file's own defaults are what is checked, whatever this machine's environment holds.
 */
async function composeConfig(extraEnv: Record<string, string> = {}, profiles: string[] = []): Promise<ComposeProject> {
  const [command, ...prefix] = compose;
  const { stdout } = await promisify(execFile)(
    command!,
    [...prefix, '--env-file', '/dev/null', '-f', COMPOSE_FILE, ...profiles.flatMap((p) => ['--profile', p]), 'config', '--format', 'json'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...extraEnv },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as ComposeProject;
}

function service(project: ComposeProject, name: string): ComposeService {
  const found = project.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

describe('docker-compose.yml', () => {
  it(`resolves with every service Herald needs`, async () => {
    const project = await composeConfig();
    expect(Object.keys(project.services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal-admin-tools',
        'temporal',
        'temporal-create-namespace',
        'temporal-ui',
        'mailpit',
        'herald-worker',
        'herald-bot',
        'herald-web',
      ]),
    );
    // Every image is pinned to a version.
    for (const [name, svc] of Object.entries(project.services)) {
      if (svc.build) continue;
      expect(svc.image, name).toMatch(/:[^:/]+$/);
      expect(svc.image, name).not.toMatch(/:latest$/);
    }
    // Every file mounted from the repository exists.
    for (const svc of Object.values(project.services)) {
      for (const volume of svc.volumes ?? []) {
        if (volume.type === 'bind' && volume.source) expect(existsSync(volume.source), volume.source).toBe(true);
      }
    }
  });

  it(`runs the worker and the bot from the Dockerfile against the stack's servers`, async () => {
    const project = await composeConfig();
    for (const [name, mode] of [['herald-worker', 'worker'], ['herald-bot', 'bot'], ['herald-web', 'web']] as const) {
      const svc = service(project, name);
      expect(svc.build, name).toBeDefined();
      expect(path.resolve(svc.build!.context), name).toBe(path.resolve(ROOT));
      expect(svc.build!.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
      expect(svc.command, name).toEqual([mode]);

      const env = svc.environment ?? {};
      const database = new URL(env.DATABASE_URL ?? '');
      expect(database.protocol, name).toBe('postgres:');
      expect(database.hostname, name).toBe('postgres');
      expect(database.pathname, name).toBe('/herald');
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(env.TEMPORAL_NAMESPACE, name).toBe('default');
      const smtp = new URL(env.SMTP_URL ?? '');
      expect(`${smtp.protocol}//${smtp.host}`, name).toBe('smtp://mailpit:1025');
      expect(env.SMTP_FROM, name).toBeTruthy();
      expect(env.NODE_ENV, name).toBe('production');

      expect(svc.restart, name).toBe('unless-stopped');
      expect(svc.stop_grace_period, name).toBe('30s');
      expect(svc.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(svc.depends_on?.['temporal-create-namespace']?.condition, name).toBe('service_completed_successfully');
    }
    expect(service(project, 'herald-worker').depends_on?.mailpit?.condition).toBe('service_healthy');
  });

  it(`validates without secrets and passes Discord credentials through`, async () => {
    const bare = await composeConfig();
    expect(service(bare, 'herald-bot').environment?.DISCORD_TOKEN ?? '').toBe('');

    const withSecrets = await composeConfig({
      DISCORD_TOKEN: 'token-from-the-environment',
      DISCORD_APPLICATION_ID: '123456789012345678',
      HERALD_DB_PASSWORD: 's3cret',
    });
    const bot = service(withSecrets, 'herald-bot').environment ?? {};
    expect(bot.DISCORD_TOKEN).toBe('token-from-the-environment');
    expect(bot.DISCORD_APPLICATION_ID).toBe('123456789012345678');
    expect(new URL(bot.DATABASE_URL ?? '').password).toBe('s3cret');
    // The database role gets the same password when the volume is first created.
    expect(service(withSecrets, 'postgres').environment?.HERALD_DB_PASSWORD).toBe('s3cret');
  });

  it(`serves the dashboard on this machine's port 3000, with its settings passed through`, async () => {
    const bare = service(await composeConfig(), 'herald-web');
    expect(bare.ports?.map((p) => [p.host_ip, p.published, p.target])).toEqual([['127.0.0.1', '3000', 3000]]);
    expect(bare.environment).toMatchObject({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_PORT: '3000', DASHBOARD_PUBLIC_URL: 'http://localhost:3000' });
    for (const variable of ['DISCORD_CLIENT_SECRET', 'SESSION_SECRET', 'DISCORD_ALLOWED_GUILD_IDS']) expect(bare.environment?.[variable] ?? '', variable).toBe('');
    const web = service(
      await composeConfig({
        DISCORD_CLIENT_SECRET: 'client-secret',
        SESSION_SECRET: 'a-session-secret-of-at-least-32-bytes!',
        DISCORD_ALLOWED_GUILD_IDS: '123456789012345678',
        DASHBOARD_PUBLIC_URL: 'https://herald.example.com',
      }),
      'herald-web',
    );
    expect(web.environment).toMatchObject({
      DISCORD_CLIENT_SECRET: 'client-secret',
      SESSION_SECRET: 'a-session-secret-of-at-least-32-bytes!',
      DISCORD_ALLOWED_GUILD_IDS: '123456789012345678',
      DASHBOARD_PUBLIC_URL: 'https://herald.example.com',
    });
    // Grafana (observability profile) moved aside for it.
    const grafana = service(await composeConfig({}, ['observability']), 'grafana');
    expect(grafana.ports?.map((p) => p.published)).toEqual(['3001']);
  });

  it(`sets up Temporal on PostgreSQL before the server starts`, async () => {
    const project = await composeConfig();

    const postgres = service(project, 'postgres');
    expect(postgres.healthcheck?.test?.join(' ')).toContain('pg_isready');
    expect(postgres.volumes?.some((v) => v.type === 'volume' && v.target === '/var/lib/postgresql/data')).toBe(true);
    expect(postgres.volumes?.some((v) => v.type === 'bind' && v.target === '/docker-entrypoint-initdb.d')).toBe(true);

    const schema = service(project, 'temporal-admin-tools');
    expect(schema.image).toMatch(/^temporalio\/admin-tools:/);
    expect(schema.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(schema.restart).toMatch(/^on-failure/);
    expect(schema.environment?.DB).toBe('postgres12');
    expect(schema.environment?.POSTGRES_SEEDS).toBe('postgres');

    const temporal = service(project, 'temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect(temporal.depends_on?.['temporal-admin-tools']?.condition).toBe('service_completed_successfully');
    expect(temporal.environment?.DB).toBe('postgres12');
    expect(temporal.environment?.POSTGRES_SEEDS).toBe('postgres');
    expect(temporal.healthcheck?.test).toBeDefined();

    expect(service(project, 'temporal-create-namespace').depends_on?.temporal?.condition).toBe('service_healthy');

    const ui = service(project, 'temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:/);
    expect(ui.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(ui.ports?.some((p) => p.target === 8080 && p.published === '8080')).toBe(true);

    const mailpit = service(project, 'mailpit');
    expect(mailpit.image).toMatch(/^axllent\/mailpit:/);
    expect(mailpit.ports?.map((p) => p.target)).toEqual(expect.arrayContaining([1025, 8025]));
  });
});

describe('docker-compose.yml: health and observability', () => {
  it(`marks Herald's services healthy by /readyz, and starts them only after healthy servers`, async () => {
    const project = await composeConfig();
    for (const name of ['herald-worker', 'herald-bot', 'herald-web']) {
      const svc = service(project, name);
      // The probe runs the build of src/ops/probe.ts against METRICS_PORT.
      expect(svc.healthcheck?.test, name).toEqual(['CMD', 'node', 'dist/src/ops/probe.js', '/readyz']);
      expect(existsSync(path.join(ROOT, 'src/ops/probe.ts'))).toBe(true);
      expect(svc.environment?.METRICS_PORT, name).toBe('9464');
      expect(svc.healthcheck?.start_period, name).toBeDefined();
      const conditions = Object.entries(svc.depends_on ?? {});
      expect(conditions.length, name).toBeGreaterThan(0);
      for (const [dependency, { condition }] of conditions) {
        // Servers must be healthy; one-shot setup jobs must have finished.
        const oneShot = ['temporal-admin-tools', 'temporal-create-namespace'].includes(dependency);
        expect(condition, `${name} → ${dependency}`).toBe(oneShot ? 'service_completed_successfully' : 'service_healthy');
        if (!oneShot) expect(service(project, dependency).healthcheck?.test, dependency).toBeDefined();
      }
      expect(svc.depends_on?.temporal?.condition, name).toBe('service_healthy');
      // DKIM: the key folder is mounted, the settings pass through (empty: off).
      expect(svc.volumes?.some((v) => v.type === 'bind' && v.target === '/run/herald/dkim' && v.source === path.join(ROOT, 'deploy/dkim')), name).toBe(true);
      for (const variable of ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_PATH']) expect(svc.environment?.[variable] ?? '', name).toBe('');
    }
    const signed = await composeConfig({ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'herald', DKIM_PRIVATE_KEY_PATH: '/run/herald/dkim/herald.pem' });
    expect(service(signed, 'herald-worker').environment).toMatchObject({
      DKIM_DOMAIN: 'example.com',
      DKIM_SELECTOR: 'herald',
      DKIM_PRIVATE_KEY_PATH: '/run/herald/dkim/herald.pem',
    });
  });

  it('leaves Prometheus and Grafana out unless the observability profile is asked for', async () => {
    const bare = await composeConfig();
    expect(Object.keys(bare.services)).not.toContain('prometheus');
    expect(Object.keys(bare.services)).not.toContain('grafana');

    const project = await composeConfig({}, ['observability']);
    const prometheus = service(project, 'prometheus');
    const grafana = service(project, 'grafana');
    for (const [name, svc] of [['prometheus', prometheus], ['grafana', grafana]] as const) {
      expect(svc.profiles, name).toEqual(['observability']);
      expect(svc.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(svc.healthcheck?.test, name).toBeDefined();
      // Reachable from this machine only.
      for (const p of svc.ports ?? []) expect(p.host_ip, name).toBe('127.0.0.1');
      for (const volume of svc.volumes ?? []) {
        if (volume.type === 'bind' && volume.source) expect(existsSync(volume.source), volume.source).toBe(true);
      }
    }
    expect(grafana.depends_on?.prometheus?.condition).toBe('service_healthy');
    expect(grafana.volumes?.map((v) => v.target)).toEqual(expect.arrayContaining(['/etc/grafana/provisioning', '/etc/grafana/dashboards']));

    // Prometheus scrapes the worker and the bot (every replica) on their METRICS_PORT.
    const config = prometheus.volumes?.find((v) => v.target === '/etc/prometheus/prometheus.yml');
    expect(config?.type).toBe('bind');
    const text = readFileSync(config!.source!, 'utf8');
    const scraped = [...text.matchAll(/names: \[([\w-]+)\]\s+type: A\s+port: (\d+)/g)].map((m) => [m[1], m[2]]);
    expect(scraped).toEqual([
      ['herald-worker', service(project, 'herald-worker').environment?.METRICS_PORT],
      ['herald-bot', service(project, 'herald-bot').environment?.METRICS_PORT],
      ['herald-web', service(project, 'herald-web').environment?.METRICS_PORT],
    ]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('builds in one stage and runs the build with production dependencies from the lock file', () => {
    const stages = instructions.map((line, i) => [line, i] as const).filter(([line]) => line.startsWith('FROM '));
    expect(stages).toHaveLength(2);
    const runStage = stages[1]![1];
    const build = instructions.findIndex((line) => /^RUN npm run build/.test(line));
    expect(build).toBeGreaterThan(-1);
    expect(build).toBeLessThan(runStage);
    for (const dir of ['migrations', 'src']) {
      expect(instructions.slice(0, runStage).some((line) => new RegExp(`^COPY .*\\b${dir}\\b`).test(line)), dir).toBe(true);
    }
    const later = instructions.slice(runStage);
    const lockCopy = later.findIndex((line) => /^COPY .*package-lock\.json/.test(line));
    const install = later.findIndex((line) => /^RUN .*npm ci\b.*--omit=dev/.test(line));
    const distCopy = later.findIndex((line) => /^COPY --from=build .*\/app\/dist/.test(line));
    expect(lockCopy).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(lockCopy);
    expect(distCopy).toBeGreaterThan(install);
    expect(later.some((line) => /^COPY .*\btemplates\b/.test(line))).toBe(true);
  });

  it('runs the built dist/src/main.js as a non-root user, the worker by default', () => {
    const start = instructions.filter((line) => /^(ENTRYPOINT|CMD) /.test(line)).join(' ');
    expect(start).toContain('dist/src/main.js');
    expect(instructions.filter((line) => line.startsWith('CMD ')).at(-1)).toContain('worker');
    const user = instructions.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)\b/);
    expect(instructions.some((line) => /^ENV .*NODE_ENV=production/.test(line))).toBe(true);
  });

  it('keeps local state and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.data', '.tools', '.git']));
  });
});
