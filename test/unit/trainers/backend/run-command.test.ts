import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandNotFound, runCommand } from '../../../../trainers/backend/run-command.ts';

test('a failing command rejects with its exit code and its last error line', async () => {
  const script = 'console.log("working"); console.error("ERROR: No matching distribution found"); console.error("done"); process.exit(3)';
  await assert.rejects(runCommand(process.execPath, ['-e', script]), /exited with 3: ERROR: No matching distribution found$/);
  await runCommand(process.execPath, ['-e', 'process.exit(0)']);
});

test('a program that is not installed is CommandNotFound', async () => {
  await assert.rejects(runCommand('lamini-no-such-program', []), (e) => e instanceof CommandNotFound && e.command === 'lamini-no-such-program');
});
