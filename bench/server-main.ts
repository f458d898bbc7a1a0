import 'reflect-metadata';
import {
  type BenchServerModule,
  type CommandMessage,
  type ReadyMessage,
  type ReplyMessage,
  type ServerSpec,
} from './protocol.js';

/**
 * Entry point of a server child process: starts the server named by the spec
 * in argv[2] on 127.0.0.1, reports its port and tokens, answers commands,
 * and exits when the runner disconnects.
 */
async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  const module = (await import(`./servers/${spec.kind}.server.js`)) as BenchServerModule;
  const server = await module.startServer(spec);
  process.on('message', (message: CommandMessage) => {
    if (message?.type !== 'command') return;
    const reply = (body: Omit<ReplyMessage, 'type' | 'id'>) =>
      process.send!({ type: 'reply', id: message.id, ...body });
    const handler = server.commands?.[message.name];
    if (!handler) return reply({ error: `unknown command ${message.name}` });
    handler(message.args ?? {}).then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  const ready: ReadyMessage = { type: 'ready', port: server.port, tokens: server.tokens, extra: server.extra };
  process.send!(ready);
}

main().catch((error: unknown) => {
  console.error('bench server failed to start:', error);
  process.exit(1);
});
