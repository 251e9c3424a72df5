import type { ChannelSender, ConnectionStore, FileStore } from '../../dialogs/channel.port.ts';
import type { MaxClient } from './max.client.ts';
import { clientForConnection, type MaxClientSettings } from './max-connection.ts';
import { MaxApiError, MaxConnectionError } from './max.errors.ts';
import { renderMax, type MaxStep } from './max.renderer.ts';
import type { MaxTarget } from './max.types.ts';

// How many half-sent messages to remember; a message the queue gave up on is forgotten oldest first.
const PROGRESS_LIMIT = 10_000;

async function runStep(client: MaxClient, files: FileStore, to: MaxTarget, step: MaxStep): Promise<void> {
  if (step.kind === 'message') {
    await client.sendMessage(to, step.body);
    return;
  }
  const file = await files.load(step.fileId);
  if (!file) {
    await client.sendMessage(to, step.fallback);
    return;
  }
  let payload;
  try {
    payload = await client.uploadFile(step.type, file.data, file.name || step.name, file.mime);
  } catch (error) {
    // MAX refused the file itself (a forbidden extension, too big): the link still gets the document across.
    if (error instanceof MaxApiError) {
      await client.sendMessage(to, step.fallback);
      return;
    }
    throw error;
  }
  await client.sendFile(to, { type: step.type, payload, ...(step.caption ? { caption: step.caption } : {}) });
}

/**
 * The `outbound.max` queue's sender. A message may take several API calls (a long text, a document); the steps
 * already sent are remembered by message key in this process, so a retry after a 429 resumes where it stopped
 * instead of repeating the first parts. Throws RetryAfterError on 429 (the queue waits that long), MaxUnavailableError
 * on outages (retry with backoff), MaxApiError and MaxConnectionError when retrying cannot help.
 */
export function makeMaxSender(connections: ConnectionStore, files: FileStore, settings: MaxClientSettings = {}): ChannelSender {
  const progress = new Map<string, number>();
  const remember = (key: string, sent: number) => {
    progress.delete(key);
    progress.set(key, sent);
    if (progress.size > PROGRESS_LIMIT) progress.delete(progress.keys().next().value!);
  };
  return async (message) => {
    const connection = message.connectionId ? await connections.find(message.connectionId) : null;
    if (!connection || connection.channel !== 'max' || !connection.active) throw new MaxConnectionError(message.connectionId);
    const client = clientForConnection(connection, settings);
    const to: MaxTarget = { chat_id: message.chatId };
    const steps = renderMax(message);
    for (let i = progress.get(message.key) ?? 0; i < steps.length; i++) {
      await runStep(client, files, to, steps[i]!);
      remember(message.key, i + 1);
    }
    progress.delete(message.key);
  };
}
