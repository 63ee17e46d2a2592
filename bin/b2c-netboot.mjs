#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (esbuild): no build step to forget or to go stale.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/cli.ts');
