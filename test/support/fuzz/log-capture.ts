import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/** A Nest `LoggerService` that keeps every line it is given, with all its parameters. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...args: unknown[]) {
    this.keep('log', args);
  }
  error(...args: unknown[]) {
    this.keep('error', args);
  }
  warn(...args: unknown[]) {
    this.keep('warn', args);
  }
  debug(...args: unknown[]) {
    this.keep('debug', args);
  }
  verbose(...args: unknown[]) {
    this.keep('verbose', args);
  }
  fatal(...args: unknown[]) {
    this.keep('fatal', args);
  }
  private keep(level: string, args: unknown[]) {
    this.lines.push(
      `${level} ${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' ')}`,
    );
  }
}

/**
 * Captures everything written to `process.stdout`/`process.stderr` and every
 * `console.*` call until `stop()` (the writes still go through).
 */
export function captureProcessOutput(): { text: () => string; stop: () => void } {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((name) => console[name]);
  process.stdout.write = ((chunk: unknown, ...rest: never[]) => {
    chunks.push(String(chunk));
    return out(chunk as string, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: never[]) => {
    chunks.push(String(chunk));
    return err(chunk as string, ...rest);
  }) as typeof process.stderr.write;
  methods.forEach((name, i) => {
    console[name] = (...args: unknown[]) => {
      chunks.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' '));
      originals[i]!.apply(console, args);
    };
  });
  return {
    text: () => chunks.join('\n'),
    stop: () => {
      process.stdout.write = out;
      process.stderr.write = err;
      methods.forEach((name, i) => (console[name] = originals[i]!));
    },
  };
}
