// The parser thread's entry: a worker starts without the parent's TypeScript loader, so it registers tsx
// (as cli/familypay.js does) before loading the parser itself.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
