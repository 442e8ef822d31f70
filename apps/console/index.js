// The folder of the built console (`vite build`), for servers that serve it (apps/server mounts it at /console).
import { fileURLToPath } from 'node:url';

export const consoleDir = fileURLToPath(new URL('./dist/', import.meta.url));
