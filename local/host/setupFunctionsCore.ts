// vitest setup file (vitest.config.mts `setupFiles`): the @azure/functions-core stand-in must be
// in place before any test file imports @azure/functions, which caches a missing core for good.
import { installFunctionsCoreStandIn } from './functionsCore';

installFunctionsCoreStandIn();
