// The local durable host: a stand-in for the Azure Functions host and the Durable Task extension
// that runs an app's own registrations on one machine, in virtual time. Not a production engine.
export { installFunctionsCoreStandIn } from './functionsCore';
export { startHost, type LocalHost, type StartHostOptions, type HostKeys, type RunLimits, type RegisteredFunction, type FunctionKind, type InstanceStatus } from './host';
export { type Backend, type HostEvent, type CrashPoint, type InstanceStats, HostCrashed } from './engine';
export { type HistoryStore, type InstanceRecord, type InboxMessage, type RuntimeStatus, MemoryHistoryStore, FileHistoryStore } from './store';
export { type HistoryEvent, EventType, OrchestrationStatus } from './history';
export { type DurableClientBinding } from './managementApi';
