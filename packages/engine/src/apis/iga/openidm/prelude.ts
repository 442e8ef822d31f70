/**
 * IGA's script prelude: what every IGA script task sees before its first line (the runtime joins it onto that line,
 * so errors keep the script's line numbers; registered with IGA's script host, host.ts):
 *
 * - `logger` (info, warn, error, debug), which logs nothing;
 * - `execution.getVariables().get(name)`, as the Java map Ping's scripts expect;
 * - an `openidm` that answers the request's own `iga/governance/requests/<id>` calls (GET → the request variable,
 *   `_action=update` → merged into the `requestDecision` variable, which the request reads; the request row is written
 *   after its workflow starts) and passes every other call to the host's `openidm` (host.ts: managed objects, grants,
 *   the outbox); without a host such a call fails the script.
 */
export const PRELUDE = `var logger = { info: function () {}, warn: function () {}, error: function () {}, debug: function () {} };
(function () {
  var gv = execution.getVariables;
  execution.getVariables = function () {
    var v = gv();
    Object.defineProperty(v, 'get', { value: function (k) { return v[k] === undefined ? null : v[k]; }, enumerable: false });
    return v;
  };
})();
var openidm = (function (host) {
  function none() {
    throw new Error('openidm is not available: no script host is registered (the IGA module registers it)');
  }
  return {
    action: function (path, method, body, params) {
      var m = /^iga\\/governance\\/requests\\/([^/]+)$/.exec(String(path));
      if (m && m[1] === execution.getVariable('id')) {
        if (params && params._action === 'update') {
          var d = execution.getVariable('requestDecision') || {};
          for (var k in body) d[k] = body[k];
          execution.setVariable('requestDecision', d);
          return {};
        }
        if (String(method).toUpperCase() === 'GET') return execution.getVariable('request');
      }
      return host ? host.action(path, method, body, params) : none();
    },
    read: function (path, params, fields) { return host ? host.read(path, params, fields) : none(); },
    create: function (path, id, body, params, fields) { return host ? host.create(path, id, body, params, fields) : none(); },
    patch: function (path, rev, body, params, fields) { return host ? host.patch(path, rev, body, params, fields) : none(); },
    update: function (path, rev, body, params, fields) { return host ? host.update(path, rev, body, params, fields) : none(); },
    query: function (path, params, fields) { return host ? host.query(path, params, fields) : none(); },
    delete: function (path, rev, params, fields) { return host ? host.delete(path, rev, params, fields) : none(); }
  };
})(typeof openidm === 'object' && openidm !== null && typeof openidm.read === 'function' ? openidm : null);
`;
