import { describe, expect, it } from 'vitest';
import { authenticate, IdmSecurity, parseProcessAccess } from '../../src/apis/idm/security.js';
import { parseConfig } from '../../src/config.js';
import { ApiError } from '../../src/http/api-module.js';

const config = parseConfig({
  WFKIT_IDM_USERS:
    'openidm-admin:openidm-admin:openidm-admin,bob:pw,mia:pw2:openidm-authorized|manager,emp:pw3:employee',
});
const req = (headers: Record<string, string>) => ({ headers: new Headers(headers) }) as never;
const bob = { username: 'bob', roles: ['openidm-authorized'] };
const mia = { username: 'mia', roles: ['openidm-authorized', 'manager'] };
const admin = { username: 'openidm-admin', roles: ['openidm-admin'] };
const emp = { username: 'emp', roles: ['employee'] };

describe('IDM authentication', () => {
  it('accepts a configured user with the right password and gives its roles', () => {
    expect(authenticate(req({ 'X-OpenIDM-Username': 'mia', 'X-OpenIDM-Password': 'pw2' }), config)).toEqual({
      ok: true,
      principal: mia,
    });
  });
  it.each([
    [{}],
    [{ 'X-OpenIDM-Username': 'bob' }],
    [{ 'X-OpenIDM-Password': 'pw' }],
    [{ 'X-OpenIDM-Username': 'bob', 'X-OpenIDM-Password': 'wrong' }],
    [{ 'X-OpenIDM-Username': 'nobody', 'X-OpenIDM-Password': 'pw' }],
  ])('refuses missing or wrong credentials with 401 (%j)', (headers) => {
    expect(authenticate(req(headers), config)).toEqual({ ok: false, status: 401, message: 'Access Denied' });
  });
});

describe('IDM workflow access rules', () => {
  const def = { _id: 'contractorOnboarding:1:5', key: 'contractorOnboarding', name: 'Contractor onboarding process' };
  it('lets openidm-authorized users start every process by default, and the admin everything', () => {
    const s = new IdmSecurity();
    expect(s.mayStart(bob, def)).toBe(true);
    expect(s.mayStart(admin, def)).toBe(true);
    expect(s.mayStart(emp, def)).toBe(false);
  });
  it('applies process-access.json rules (the workflow sample)', () => {
    const s = new IdmSecurity(
      parseProcessAccess({
        workflowAccess: [
          { propertiesCheck: { property: 'name', matches: 'Contractor onboarding process', requiresRole: 'employee' } },
          { propertiesCheck: { property: '_id', matches: 'chess', requiresRole: 'openidm-admin' } },
        ],
      }),
    );
    expect(s.mayStart(emp, def)).toBe(true);
    expect(s.mayStart(bob, def)).toBe(false);
    expect(s.mayStart(emp, { _id: 'chess:1:1', name: 'Chess' })).toBe(false);
    expect(() => s.assertMayStart(bob, def)).toThrow(ApiError);
    expect(() => parseProcessAccess({})).toThrow('workflowAccess');
  });
  it('lets candidates (user or role = group) see and claim a task, and only the assignee complete it', () => {
    const s = new IdmSecurity();
    const task = { assignee: null, candidateUsers: ['bob'], candidateGroups: ['manager'] };
    expect(s.maySeeTask(bob, task)).toBe(true);
    expect(s.mayClaimTask(mia, task)).toBe(true);
    expect(s.maySeeTask(emp, task)).toBe(false);
    expect(s.mayComplete(bob, task)).toBe(false);
    expect(s.mayComplete(bob, { ...task, assignee: 'bob' })).toBe(true);
    expect(s.mayComplete(admin, task)).toBe(true);
    try {
      s.assertMayComplete(mia, task);
      throw new Error('no 403');
    } catch (e) {
      expect((e as ApiError).status).toBe(403);
      expect((e as ApiError).body).toEqual({ code: 403, reason: 'Forbidden', message: 'Access denied' });
    }
  });
});
