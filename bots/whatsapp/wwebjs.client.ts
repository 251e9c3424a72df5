import path from 'node:path';
import wa from 'whatsapp-web.js';
import type { ClientOptions, Message } from 'whatsapp-web.js';
import type { WaClient, WaClientEvents, WaMessage } from './wa-client.port.ts';

// A CJS package: its classes hang off the default export (STACK.md G2).
const { Client, LocalAuth, MessageMedia } = wa;

export type WwebjsClientOptions = {
  readonly connectionId: string;
  /** DATA_DIR: the session lives in <dataDir>/whatsapp/<connectionId>, so a restart logs in without a new QR. */
  readonly dataDir: string;
  readonly executablePath?: string;
  readonly headless?: boolean;
};

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Where a connection's session is kept: one directory per connection, so two numbers never share a login. */
export const sessionDir = (dataDir: string, connectionId: string): string =>
  path.resolve(dataDir, 'whatsapp', connectionId);

/**
 * --disable-dev-shm-usage is passed by hand: Debian's wrapper adds it only when /dev/shm is small, and
 * containers often report it wrong (STACK.md G3). No sandbox: the process runs as a service user in a container.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-setuid-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] as const;

export const wwebjsClientOptions = (options: WwebjsClientOptions): ClientOptions => {
  if (!/^[\w-]+$/.test(options.connectionId)) throw new RangeError('connectionId must be letters, digits, _ or -');
  return {
    authStrategy: new LocalAuth({ dataPath: sessionDir(options.dataDir, options.connectionId) }),
    // The WhatsApp Web build cache would otherwise land in the working directory.
    webVersionCache: { type: 'local', path: path.resolve(options.dataDir, 'whatsapp', '.wwebjs_cache') },
    puppeteer: {
      executablePath: options.executablePath ?? DEFAULT_CHROMIUM_PATH,
      headless: options.headless ?? true,
      args: [...CHROMIUM_ARGS],
    },
  };
};

const UNKNOWN_LID = /@lid$/;

/** The real client. Constructing it launches nothing; initialize() starts Chromium. */
export const makeWwebjsClient = (options: WwebjsClientOptions): WaClient => {
  const client = new Client(wwebjsClientOptions(options));
  let started = false;

  /**
   * WhatsApp now hides some numbers behind a «linked id» (`…@lid`). Where the number can be learnt we use
   * `<number>@c.us`: replies to it reach the same person, and the number is what links the resident.
   */
  const chatOf = async (from: string): Promise<string> => {
    if (!UNKNOWN_LID.test(from)) return from;
    try {
      const [pair] = await client.getContactLidAndPhone([from]);
      return pair?.pn && /@c\.us$/.test(pair.pn) ? pair.pn : from;
    } catch {
      return from;
    }
  };

  const toNeutral = async (m: Message): Promise<WaMessage> => {
    const from = await chatOf(m.from);
    const raw = (m as unknown as { _data?: { size?: unknown } })._data;
    return {
      id: m.id._serialized,
      from,
      body: m.body ?? '',
      type: m.type,
      hasMedia: m.hasMedia,
      mediaSize: typeof raw?.size === 'number' ? raw.size : null,
      timestamp: m.timestamp,
      fromMe: m.fromMe,
      isGroup: from.endsWith('@g.us') || Boolean(m.author),
      isStatus: m.isStatus || m.broadcast || from.endsWith('@broadcast') || from.endsWith('@newsletter'),
      vCards: m.vCards ?? [],
      downloadMedia: async () => {
        const media = await m.downloadMedia();
        return media ? { mimetype: media.mimetype, data: media.data, filename: media.filename ?? null } : null;
      },
    };
  };

  return {
    on<E extends keyof WaClientEvents>(event: E, listener: WaClientEvents[E]) {
      if (event !== 'message') return client.on(event, listener as (...args: unknown[]) => void);
      const onMessage = listener as WaClientEvents['message'];
      // Mapping is async (the linked-id lookup); a failed lookup must not become an unhandled rejection.
      return client.on('message', (m: Message) => void toNeutral(m).then(onMessage, () => undefined));
    },
    async sendMessage(chatId, text) {
      await client.sendMessage(chatId, text);
    },
    async sendMedia(chatId, media, caption) {
      const file = new MessageMedia(media.mimetype, media.data, media.filename ?? null);
      // Documents go as documents: WhatsApp would otherwise re-encode a PDF preview or an image.
      await client.sendMessage(chatId, file, { caption, sendMediaAsDocument: !media.mimetype.startsWith('image/') });
    },
    async initialize() {
      started = true;
      await client.initialize();
    },
    async destroy() {
      // destroy() on a client that never launched a browser throws on its missing page.
      if (!started) return;
      started = false;
      await client.destroy();
    },
  };
};
