export type ApiModule<_C = unknown> = { name: string };
