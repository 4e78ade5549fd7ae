// Errors as the apiserver sends them: `Status` objects whose reason and code clients branch on.
import { statusBody, type StatusBody } from '../cluster/eviction';

export { statusBody, type StatusBody };

export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: StatusBody['details']) {
    super(message);
  }

  body(): StatusBody {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export const notFound = (qualifiedResource: string, name: string, group = ''): ApiError =>
  new ApiError(404, 'NotFound', `${qualifiedResource} "${name}" not found`, { name, ...(group ? { group } : {}), kind: qualifiedResource.split('.')[0] });

export const alreadyExists = (qualifiedResource: string, name: string, group = ''): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualifiedResource} "${name}" already exists`, { name, ...(group ? { group } : {}), kind: qualifiedResource.split('.')[0] });

export const conflict = (qualifiedResource: string, name: string, group = ''): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, ...(group ? { group } : {}), kind: qualifiedResource.split('.')[0] });

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const invalid = (kind: string, name: string, group: string, causes: { field: string; message: string; reason?: string }[]): ApiError =>
  new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
    name, ...(group ? { group } : {}), kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });

export const methodNotAllowed = (): ApiError => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const pathNotFound = (): ApiError => new ApiError(404, 'NotFound', 'the server could not find the requested resource');
