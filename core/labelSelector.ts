// Kubernetes label selectors, matched as the apiserver matches them (k8s.io/apimachinery
// pkg/labels): the object form that Deployments, StatefulSets and PDBs carry (matchLabels +
// matchExpressions) and the string form of settings and kubectl (`a=b,c!=d,e in (x,y),!f,g`).
// Pure functions: parse once, match many. core/formats.ts validates setting strings; the
// meaning of a selector lives here.

import { ACCEPTED_FORMS, isLabelValue, isQualifiedName } from './k8sNames';

export type Labels = Readonly<Record<string, string>>;

/** One entry of `matchExpressions` (metav1.LabelSelectorRequirement). */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: readonly string[];
}

/** The object form (metav1.LabelSelector). `{}` selects everything; `null` selects nothing. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly LabelSelectorRequirement[];
}

/** A normalised requirement: `a=b` is `In [b]`, `a!=b` is `NotIn [b]`, `a>3` is `Gt [3]`. */
export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values: readonly string[];
}

export type SelectorParseResult =
  | { ok: true; requirements: Requirement[] }
  | { ok: false; error: string };

export const SELECTOR_ACCEPTED_FORM =
  'comma-separated requirements, all of which must hold: key=value, key==value, key!=value, ' +
  'key in (v1,v2), key notin (v1,v2), key (exists), !key (does not exist), key>N, key<N; ' +
  'e.g. app=web,tier!=cache,zone in (1,2),!legacy';

// ---- the string form -----------------------------------------------------------------------

type TokenKind = 'ident' | 'in' | 'notin' | '!' | '=' | '==' | '!=' | '>' | '<' | '(' | ')' | ',' | 'end';
interface Token { kind: TokenKind; text: string; at: number }

const SYMBOLS = ['==', '!=', '=', '!', '>', '<', '(', ')', ','] as const;
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const SPECIAL = new Set(['=', '!', '>', '<', '(', ')', ',']);

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.has(ch)) { i++; continue; }
    if (SPECIAL.has(ch)) {
      const symbol = SYMBOLS.find((s) => text.startsWith(s, i))!;
      tokens.push({ kind: symbol, text: symbol, at: i });
      i += symbol.length;
      continue;
    }
    const start = i;
    while (i < text.length && !WHITESPACE.has(text[i]!) && !SPECIAL.has(text[i]!)) i++;
    const word = text.slice(start, i);
    tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'ident', text: word, at: start });
  }
  tokens.push({ kind: 'end', text: 'end of string', at: text.length });
  return tokens;
}

class SelectorSyntaxError extends Error {}

/** Parses the string form. `''` selects everything. Errors name the position and the form. */
export function parseLabelSelector(text: string): SelectorParseResult {
  try {
    return { ok: true, requirements: new Parser(lex(text)).parse() };
  } catch (error) {
    if (!(error instanceof SelectorSyntaxError)) throw error;
    return { ok: false, error: `label selector ${JSON.stringify(text)}: ${error.message}; accepted form: ${SELECTOR_ACCEPTED_FORM}` };
  }
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    if (this.peek().kind === 'end') return requirements;
    for (;;) {
      requirements.push(this.requirement());
      const next = this.next();
      if (next.kind === 'end') return requirements;
      if (next.kind !== ',') this.fail(next, "',' or end of string");
    }
  }

  // `in` and `notin` are keywords only where an operator may stand; elsewhere they are words.
  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private word(token: Token): string | undefined {
    return token.kind === 'ident' || token.kind === 'in' || token.kind === 'notin' ? token.text : undefined;
  }

  private fail(token: Token, expected: string): never {
    const found = token.kind === 'end' ? 'end of string' : `'${token.text}'`;
    throw new SelectorSyntaxError(`found ${found} at position ${token.at}, expected ${expected}`);
  }

  private requirement(): Requirement {
    let token = this.next();
    const negated = token.kind === '!';
    if (negated) token = this.next();
    const key = this.word(token);
    if (key === undefined) this.fail(token, 'a label key');
    if (!isQualifiedName(key)) {
      throw new SelectorSyntaxError(`invalid label key ${JSON.stringify(key)} at position ${token.at} (${ACCEPTED_FORMS.qualifiedName})`);
    }
    const following = this.peek().kind;
    if (negated) return { key, operator: 'DoesNotExist', values: [] };
    if (following === 'end' || following === ',') return { key, operator: 'Exists', values: [] };

    const op = this.next();
    switch (op.kind) {
      case 'in': return { key, operator: 'In', values: this.valueSet() };
      case 'notin': return { key, operator: 'NotIn', values: this.valueSet() };
      case '=': case '==': return { key, operator: 'In', values: [this.exactValue()] };
      case '!=': return { key, operator: 'NotIn', values: [this.exactValue()] };
      case '>': case '<': {
        const valueToken = this.peek();
        const value = this.exactValue();
        if (!/^[+-]?[0-9]+$/.test(value)) {
          throw new SelectorSyntaxError(`'${op.kind}' needs an integer, found ${JSON.stringify(value)} at position ${valueToken.at}`);
        }
        return { key, operator: op.kind === '>' ? 'Gt' : 'Lt', values: [value] };
      }
      default: return this.fail(op, "one of =, ==, !=, in, notin, >, <");
    }
  }

  private exactValue(): string {
    const next = this.peek();
    if (next.kind === 'end' || next.kind === ',') return '';
    const value = this.word(next);
    if (value === undefined) this.fail(next, 'a label value');
    this.position++;
    return this.checkedValue(value, next);
  }

  // kubectl's set grammar: "(a,b)", and empty members as in "()", "(a,)", "(,a)" are "".
  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, "'('");
    const values = new Set<string>();
    let expectValue = true;
    for (;;) {
      const token = this.next();
      const value = this.word(token);
      if (value !== undefined && expectValue) {
        values.add(this.checkedValue(value, token));
        expectValue = false;
      } else if (token.kind === ',') {
        if (expectValue) values.add('');
        expectValue = true;
      } else if (token.kind === ')') {
        if (expectValue) values.add('');
        return [...values];
      } else {
        this.fail(token, expectValue ? "a value, ',' or ')'" : "',' or ')'");
      }
    }
  }

  private checkedValue(value: string, token: Token): string {
    if (!isLabelValue(value)) {
      throw new SelectorSyntaxError(`invalid label value ${JSON.stringify(value)} at position ${token.at} (${ACCEPTED_FORMS.labelValue})`);
    }
    return value;
  }
}

// ---- the object form -----------------------------------------------------------------------

/** The requirements of an object selector; matchLabels entries become `In [value]`. */
export function requirementsOf(selector: LabelSelector): Requirement[] {
  const fromLabels = Object.entries(selector.matchLabels ?? {}).map(([key, value]): Requirement => ({ key, operator: 'In', values: [value] }));
  const fromExpressions = (selector.matchExpressions ?? []).map((expression): Requirement => {
    switch (expression.operator) {
      case 'In': case 'NotIn': case 'Exists': case 'DoesNotExist':
        return { key: expression.key, operator: expression.operator, values: expression.values ?? [] };
      default:
        throw new Error(`matchExpressions operator ${JSON.stringify(expression.operator)} for key ${JSON.stringify(expression.key)}: expected In, NotIn, Exists or DoesNotExist`);
    }
  });
  return [...fromLabels, ...fromExpressions];
}

// ---- matching ------------------------------------------------------------------------------

function valueOf(labels: Labels, key: string): string | undefined {
  // Own properties only: a label key such as "constructor" must not find Object.prototype.
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function asInteger(value: string): bigint | undefined {
  return /^[+-]?[0-9]+$/.test(value) ? BigInt(value) : undefined;
}

export function matchesRequirement(requirement: Requirement, labels: Labels): boolean {
  const value = valueOf(labels, requirement.key);
  switch (requirement.operator) {
    case 'In': return value !== undefined && requirement.values.includes(value);
    case 'NotIn': return value === undefined || !requirement.values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': case 'Lt': {
      const actual = value === undefined ? undefined : asInteger(value);
      const bound = requirement.values.length === 1 ? asInteger(requirement.values[0]!) : undefined;
      if (actual === undefined || bound === undefined) return false;
      return requirement.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

/** All requirements hold (an empty list selects everything). */
export function matchesRequirements(requirements: readonly Requirement[], labels: Labels): boolean {
  return requirements.every((requirement) => matchesRequirement(requirement, labels));
}

/** The object form: `{}` selects everything, `null`/`undefined` selects nothing (metav1). */
export function matchesLabelSelector(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  if (selector === null || selector === undefined) return false;
  return matchesRequirements(requirementsOf(selector), labels);
}

/** Parses the string form once into a predicate; throws with the parse error when invalid. */
export function compileLabelSelector(text: string): (labels: Labels) => boolean {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return (labels) => matchesRequirements(parsed.requirements, labels);
}
