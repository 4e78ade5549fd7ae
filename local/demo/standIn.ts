// Imported first by the demo's entry: puts the functions-core stand-in in Node's loader
// before anything imports @azure/functions (local/host/README.md, "Loading").
import { installFunctionsCoreStandIn } from '../host/functionsCore';

installFunctionsCoreStandIn();
