#!/usr/bin/env node
// The `familypay` binary: TypeScript runs through tsx's loader (no build step), then the command dispatcher.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
