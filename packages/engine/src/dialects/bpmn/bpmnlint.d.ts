declare module 'bpmnlint/lib/resolver/static-resolver.js' {
  const StaticResolver: new (cache: Record<string, unknown>) => unknown;
  export default StaticResolver;
}
declare module 'bpmnlint/rules/*' {
  const rule: unknown;
  export default rule;
}
declare module 'bpmnlint' {
  export const Linter: new (options: { config: unknown; resolver: unknown }) => unknown;
}
