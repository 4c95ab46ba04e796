/**
 * Kafka for integration tests, after kafkajs's testHelpers: one broker per machine, started from
 * infra/kafka on first use (or taken from LAMINI_KAFKA_BROKERS), random topic and group names so test
 * files share it safely, short group timeouts, and a bounded `waitFor` instead of sleeps.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { KafkaTransport, type KafkaTransportConfig } from '../../streams/kafka/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The test broker's own state dir, apart from a developer's default one. */
export const testStateDir = process.env.LAMINI_KAFKA_TEST_STATE ?? join(root, '.cache', 'kafka', 'test-broker');

let brokers: Promise<string[]> | undefined;

/** Bootstrap brokers: LAMINI_KAFKA_BROKERS (comma-separated), else the test broker, started if needed. */
export function kafkaBrokers(): Promise<string[]> {
  brokers ??= process.env.LAMINI_KAFKA_BROKERS
    ? Promise.resolve(process.env.LAMINI_KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean))
    : startBroker();
  return brokers;
}

/**
 * Starts (or finds running) the broker of `stateDir`: the shared test broker by default; a test that
 * stops and restarts a broker passes its own dir so it never disturbs the other test files.
 */
export function startBroker(stateDir: string = testStateDir, env: Record<string, string> = {}): Promise<string[]> {
  const script = join(root, 'infra', 'kafka', 'start');
  return new Promise((resolve, reject) => {
    // Bounded: a first run also fetches the jars with Maven (about 45 MB).
    const options = { timeout: 300_000, env: { ...process.env, ...env } };
    execFile(script, ['--state-dir', stateDir, '--timeout', '120'], options, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`could not start the test Kafka broker with ${script}: ${stderr.trim() || error.message}`));
        return;
      }
      const address = stdout.trim().split('\n').pop() ?? '';
      if (!/^127\.0\.0\.1:\d+$/.test(address)) reject(new Error(`infra/kafka/start printed no address: ${stdout}`));
      else resolve([address]);
    });
  });
}

/** Stops the broker of `stateDir`: `kill` is a crash (SIGKILL), otherwise a clean shutdown. */
export function stopBroker(stateDir: string = testStateDir, options: { kill?: boolean } = {}): Promise<void> {
  const script = join(root, 'infra', 'kafka', 'stop');
  const args = ['--state-dir', stateDir, ...(options.kill ? ['--kill'] : [])];
  return new Promise((resolve, reject) => {
    execFile(script, args, { timeout: 60_000 }, (error, _stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve()));
  });
}

/** A name no other test uses: `prefix-<random>`. */
export function randomName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Group timeouts short enough that a killed member is noticed in seconds, not the default 30 s. */
export const testGroupTimeouts = { sessionTimeoutMs: 3000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 5000 } as const;

export async function kafkaTransport(config: Partial<KafkaTransportConfig> = {}): Promise<KafkaTransport> {
  return new KafkaTransport({ brokers: await kafkaBrokers(), clientId: 'lamini-test', retryCapMs: 20_000, ...testGroupTimeouts, ...config });
}

export { waitFor } from './wait.ts';
