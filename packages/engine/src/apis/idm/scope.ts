/** IDM owns its deployments and has no tenants (runtime/owner.ts). */
export const IDM_SCOPE = { api: 'idm', tenant: '' } as const;
