// The RBAC authorizer against the rules of plugin/pkg/auth/authorizer/rbac/rbac.go and
// pkg/apis/rbac/v1/evaluation_helpers.go, and the 403 wording of responsewriters/errors.go.
import { describe, expect, it } from 'vitest';
import { authorize, forbiddenStatus, loadRbacPolicy, SYSTEM_MASTERS, type ResourceAttributes } from './rbac';

const MANIFESTS = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules:
  - { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list"] }
  - { apiGroups: ["apps"], resources: ["*/status"], verbs: ["get"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects: [{ kind: User, name: PLACEHOLDER }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: lease, namespace: ops }
rules:
  - { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["mine"], verbs: ["get", "update"] }
  - { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: lease, namespace: ops }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: lease }
subjects: [{ kind: User, name: PLACEHOLDER }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: team-reader, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects: [{ kind: Group, name: team-group }]
---
apiVersion: v1
kind: Namespace
metadata: { name: ignored }
`;

const policy = loadRbacPolicy([{ file: 'test.yaml', text: MANIFESTS }], { PLACEHOLDER: 'app-oid' });
const app = { name: 'app-oid', groups: ['system:authenticated'] };
const teamMember = { name: 'someone', groups: ['team-group', 'system:authenticated'] };
const req = (r: Partial<ResourceAttributes>): ResourceAttributes => ({ verb: 'get', group: '', resource: 'nodes', ...r });

describe('authorize', () => {
  it.each<[string, typeof app, ResourceAttributes, boolean]>([
    ['a ClusterRoleBinding grants its rules on cluster-scoped resources', app, req({ verb: 'list' }), true],
    ['…and nothing beyond its verbs', app, req({ verb: 'delete', name: 'n1' }), false],
    ['a rule "*/status" matches any resource\'s status subresource in its group', app, req({ group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'x' }), true],
    ['…but not the resource itself', app, req({ group: 'apps', resource: 'deployments', namespace: 'x' }), false],
    ['a Role applies in its namespace', app, req({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops', name: 'mine' }), true],
    ['…only there', app, req({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'default', name: 'mine' }), false],
    ['resourceNames restrict to the named object', app, req({ group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops', name: 'other' }), false],
    ['resourceNames never match a request without a name (create, list)', app, req({ verb: 'list', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops' }), false],
    ['a subresource rule needs the subresource', app, req({ verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'ops' }), true],
    ['…and does not grant the parent resource', app, req({ verb: 'create', resource: 'pods', namespace: 'ops' }), false],
    ['a RoleBinding to a ClusterRole grants it in the binding\'s namespace only, to a Group', teamMember, req({ group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'team' }), true],
    ['…not elsewhere', teamMember, req({ group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'ops' }), false],
    ['a user bound nowhere gets nothing', { name: 'nobody', groups: [] }, req({}), false],
    ['system:masters may do anything', { name: 'masterclient', groups: [SYSTEM_MASTERS] }, req({ verb: 'delete', resource: 'secrets', namespace: 'x', name: 'y' }), true],
  ])('%s', (_rule, user, request, allowed) => {
    expect(authorize(policy, user, request)).toBe(allowed);
  });

  it('names what the manifests lack when they are malformed', () => {
    expect(() => loadRbacPolicy([{ file: 'bad.yaml', text: 'kind: RoleBinding\nmetadata: { name: x }\n' }])).toThrow('cluster.rbac: bad.yaml: RoleBinding x: metadata.name and roleRef { kind, name } are required');
  });
});

describe('forbiddenStatus', () => {
  it('words the 403 as the apiserver does, namespaced, cluster-scoped and with a group', () => {
    expect(forbiddenStatus(app, req({ verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'shop', name: 'p1' }))).toMatchObject({
      code: 403, reason: 'Forbidden', message: 'pods "p1" is forbidden: User "app-oid" cannot create resource "pods/eviction" in API group "" in the namespace "shop"',
      details: { name: 'p1', kind: 'pods' },
    });
    expect(forbiddenStatus(app, req({ verb: 'list' })).message).toBe('nodes is forbidden: User "app-oid" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(forbiddenStatus(app, req({ verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops' })).message)
      .toBe('leases.coordination.k8s.io is forbidden: User "app-oid" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "ops"');
  });
});
