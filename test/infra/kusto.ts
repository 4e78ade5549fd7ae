// Syntax errors of a KQL query, from Microsoft's Kusto language service (the npm package
// @kusto/language-service-next: Kusto.Language compiled to JavaScript with Bridge.NET; it runs
// offline). Parsing only: the tables and columns are not checked against a schema.
import { createRequire } from 'node:module';

interface Diagnostic {
  Severity: string;
  Message: string;
  Start: number;
}
interface KustoGlobal {
  Language: { KustoCode: { Parse(text: string): { GetDiagnostics(): { Count: number; getItem(i: number): Diagnostic } } } };
}

let kusto: KustoGlobal | undefined;

function load(): KustoGlobal {
  if (!kusto) {
    const require = createRequire(__filename);
    // The Bridge.NET runtime first: the language service's module expects it as a global.
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next');
    kusto = (globalThis as unknown as { Kusto: KustoGlobal }).Kusto;
  }
  return kusto;
}

/** Each error as `offset: message`; empty when the query parses. */
export function kqlSyntaxErrors(query: string): string[] {
  const diagnostics = load().Language.KustoCode.Parse(query).GetDiagnostics();
  const errors: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (d.Severity === 'Error') errors.push(`${d.Start}: ${d.Message}`);
  }
  return errors;
}
