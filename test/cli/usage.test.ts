/**
 * Mistyped command lines through the real CLI process: every mistake is one line saying what was
 * wrong and what was probably meant, never Node's parser text, and a long option typed with one dash
 * is not silently read as a short option and its value (`-port 9000` as `-p ort`).
 */
import { describe, expect, it } from 'vitest';
import { run } from './spawn.js';

const usage = (command: string, message: string) =>
  `statuskit: ${message}\nRun "statuskit ${command} --help" for usage.\n`;

describe('usage errors', () => {
  it.each([
    [['serve', '--prot', '9000'], 'serve', 'unknown option --prot; did you mean --port?'],
    [['serve', '-port', '9000'], 'serve', '-port: long options take two dashes; did you mean --port?'],
    [['serve', '-config=x.yaml'], 'serve', '-config: long options take two dashes; did you mean --config?'],
    [['get', 'http://127.0.0.1:9/', '--pretyy'], 'get', 'unknown option --pretyy; did you mean --pretty?'],
    [['get', 'http://127.0.0.1:9/', '--pre'], 'get', 'unknown option --pre; did you mean --pretty?'],
    [['get', 'http://127.0.0.1:9/', '--nothing-like-it'], 'get', 'unknown option --nothing-like-it'],
    [['get', 'http://127.0.0.1:9/', '-x'], 'get', 'unknown option -x'],
    [['get', 'http://127.0.0.1:9/', '--pretty=yes'], 'get', '--pretty takes no value'],
    [['get', 'http://127.0.0.1:9/', '--timeout'], 'get', '--timeout needs a value'],
    [
      ['get', 'http://127.0.0.1:9/', '--header', '--raw'],
      'get',
      '--header needs a value, got the option-like "--raw" (to give a value starting with "-", write --header=--raw)',
    ],
    [
      ['watch', 'http://127.0.0.1:9/', '--intervall', '5s'],
      'watch',
      'unknown option --intervall; did you mean --interval?',
    ],
    [
      ['watch', 'http://127.0.0.1:9/', '-interval', '5s'],
      'watch',
      '-interval: long options take two dashes; did you mean --interval?',
    ],
  ])('%j', async (args, command, message) => {
    const result = await run(args);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: usage(command, message) });
  });

  it('keeps short options and their glued values working', async () => {
    // -kq: two booleans; -t300ms: a short option with its value; neither is a long option.
    const result = await run(['get', 'http://127.0.0.1:1/status', '-kq', '-t300ms']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
  });

  it('names the command it probably meant', async () => {
    expect(await run(['wach', 'http://127.0.0.1:9/'])).toMatchObject({
      code: 2,
      stderr: 'statuskit: unknown command "wach"; did you mean watch?\nRun "statuskit --help" for usage.\n',
    });
  });

  it('says it in the plugin line for check (UNKNOWN) and watch --once (exit 3)', async () => {
    const check = await run(['check', 'http://127.0.0.1:9/', '--wran', '5']);
    expect(check).toMatchObject({
      code: 3,
      stdout: 'STATUSKIT UNKNOWN - usage: unknown option --wran; did you mean --warn?\n',
    });
    const once = await run(['watch', '--once', 'http://127.0.0.1:9/', '-once']);
    expect(once.code).toBe(3);
    expect(once.stderr).toContain('-once: long options take two dashes; did you mean --once?');
  });
});

describe('--help', () => {
  it('shows the watch examples with their line continuations, ready to paste', async () => {
    const help = await run(['watch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      '  statuskit watch api=https://api.example.com/v1/status --api-key "$KEY" --fail-after 3 \\\n      --webhook https://hooks.example.com/statuskit',
    );
    // Every line ending in a backslash continues on the next, indented one, as a shell reads it.
    const lines = help.stdout.split('\n');
    const continued = lines.flatMap((line, i) => (line.endsWith(' \\') ? [lines[i + 1]] : []));
    expect(continued.length).toBeGreaterThanOrEqual(2);
    for (const next of continued) expect(next).toMatch(/^ {6}--/);
  });
});
