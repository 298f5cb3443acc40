// Offline checks for infra/ (Terraform): no terraform provider can be downloaded here, so `terraform validate`
// cannot run. This parses the HCL structure itself (blocks, attributes, strings with ${} interpolation, heredocs,
// comments) and fails on: syntax it cannot parse, undeclared or unused variables and locals, references to
// resources / data sources / modules that are not declared, duplicate declarations, templatefile() variables that
// the template and the call disagree on, and terraform.tfvars.example entries that are not variables.
// Plus the operational promises in check-operations.ts (dashboard, SLOs, budget, runbook links, Armor, TURN).
// Usage: node --import tsx scripts/check-infra.ts [infra-dir]   (exit 1 with one line per problem)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkOperations } from './check-operations.js';

export interface InfraFile {
  path: string;
  text: string;
}

export interface InfraProblem {
  file: string;
  line: number;
  message: string;
}

type Token =
  | { kind: 'ident' | 'punct' | 'number' | 'newline'; value: string; line: number }
  /** literal: the string's text outside interpolations; inner: the tokens of its ${}/%{} parts, in order. */
  | { kind: 'string'; value: string; literal: string; inner: Token[]; line: number };

interface Attribute {
  type: 'attribute';
  name: string;
  expr: Token[];
  line: number;
}

interface Block {
  type: 'block';
  name: string;
  labels: string[];
  body: Item[];
  line: number;
}

type Item = Attribute | Block;

class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const PUNCT = /^(==|!=|<=|>=|&&|\|\||=>|\.\.\.|[{}[\]().,=:?!<>+\-*/%])/;

/** Lexes HCL into tokens; with `stopAtBrace`, only up to the `}` closing a ${ interpolation that began at `start`. */
function lex(
  src: string,
  start = 0,
  startLine = 1,
  stopAtBrace = false,
): { tokens: Token[]; end: number; line: number } {
  const tokens: Token[] = [];
  let i = start;
  let line = startLine;
  let depth = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    const rest = src.slice(i, i + 3);
    if (ch === '\n') {
      tokens.push({ kind: 'newline', value: '\n', line });
      line++;
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#' || rest.startsWith('//')) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (rest.startsWith('/*')) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new HclSyntaxError('unterminated /* comment', line);
      line += src.slice(i, close).split('\n').length - 1;
      i = close + 2;
    } else if (ch === '"') {
      const str = lexTemplate(src, i + 1, line, '"');
      tokens.push({ kind: 'string', value: str.literal, literal: str.literal, inner: str.inner, line });
      line = str.line;
      i = str.end;
    } else if (rest.startsWith('<<') && /^<<-?[A-Za-z_]/.test(src.slice(i, i + 4))) {
      const head = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(src.slice(i));
      if (!head) throw new HclSyntaxError('malformed heredoc opener', line);
      const marker = new RegExp(`^[ \\t]*${head[1]}[ \\t]*$`, 'm');
      const bodyStart = i + head[0].length;
      const found = marker.exec(src.slice(bodyStart));
      if (!found) throw new HclSyntaxError(`heredoc ${head[1]} is never closed`, line);
      const bodyEnd = bodyStart + found.index;
      const str = lexTemplate(src.slice(0, bodyEnd), bodyStart, line + 1, null);
      tokens.push({ kind: 'string', value: str.literal, literal: str.literal, inner: str.inner, line });
      line = str.line;
      i = bodyEnd + found[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const word = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))?.[0] as string;
      tokens.push({ kind: 'ident', value: word, line });
      i += word.length;
    } else if (/[0-9]/.test(ch)) {
      const num = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))?.[0] as string;
      tokens.push({ kind: 'number', value: num, line });
      i += num.length;
    } else {
      const punct = PUNCT.exec(src.slice(i))?.[0];
      if (!punct) throw new HclSyntaxError(`unexpected character ${JSON.stringify(ch)}`, line);
      if (stopAtBrace && punct === '}' && depth === 0) return { tokens, end: i + 1, line };
      if (punct === '{') depth++;
      if (punct === '}') depth--;
      tokens.push({ kind: 'punct', value: punct, line });
      i += punct.length;
    }
  }
  if (stopAtBrace) throw new HclSyntaxError('unterminated ${ interpolation', line);
  return { tokens, end: i, line };
}

/** A quoted string (close = '"') or a heredoc body (close = null, runs to the end of `src`). */
function lexTemplate(src: string, start: number, startLine: number, close: '"' | null) {
  let literal = '';
  const inner: Token[] = [];
  let i = start;
  let line = startLine;
  while (i < src.length) {
    const two = src.slice(i, i + 2);
    const ch = src[i] as string;
    if (close && ch === close) return { literal, inner, end: i + 1, line };
    if (close && ch === '\n') throw new HclSyntaxError('newline inside a quoted string', line);
    if (close && ch === '\\') {
      literal += src.slice(i, i + 2);
      i += 2;
    } else if (src.startsWith('$${', i) || src.startsWith('%%{', i)) {
      literal += src.slice(i + 1, i + 3);
      i += 3;
    } else if (two === '${' || two === '%{') {
      const part = lex(src, i + 2, line, true);
      inner.push(...part.tokens.filter((t) => t.kind !== 'newline' && !(t.kind === 'punct' && t.value === '~')));
      literal += '\u0000';
      line = part.line;
      i = part.end;
    } else {
      if (ch === '\n') line++;
      literal += ch;
      i++;
    }
  }
  if (close) throw new HclSyntaxError('unterminated string', startLine);
  return { literal, inner, end: i, line };
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function parseBody(tokens: Token[], pos: number, nested: boolean): { items: Item[]; pos: number } {
  const items: Item[] = [];
  while (pos < tokens.length) {
    const token = tokens[pos] as Token;
    if (token.kind === 'newline') {
      pos++;
      continue;
    }
    if (token.kind === 'punct' && token.value === '}' && nested) return { items, pos: pos + 1 };
    if (token.kind !== 'ident')
      throw new HclSyntaxError(`expected an attribute or block name, got ${token.value}`, token.line);
    const next = tokens[pos + 1];
    if (next?.kind === 'punct' && next.value === '=') {
      const expr: Token[] = [];
      const stack: string[] = [];
      pos += 2;
      for (; pos < tokens.length; pos++) {
        const t = tokens[pos] as Token;
        if (stack.length === 0 && (t.kind === 'newline' || (t.kind === 'punct' && t.value === '}'))) break;
        if (t.kind === 'punct' && OPEN[t.value]) stack.push(OPEN[t.value] as string);
        else if (t.kind === 'punct' && /^[)\]}]$/.test(t.value) && stack.pop() !== t.value)
          throw new HclSyntaxError(`unbalanced ${t.value}`, t.line);
        expr.push(t);
      }
      if (stack.length) throw new HclSyntaxError(`attribute ${token.value}: unclosed bracket`, token.line);
      if (!expr.length) throw new HclSyntaxError(`attribute ${token.value} has no value`, token.line);
      items.push({ type: 'attribute', name: token.value, expr, line: token.line });
      continue;
    }
    const labels: string[] = [];
    pos++;
    for (let t = tokens[pos]; t?.kind === 'string' || t?.kind === 'ident'; t = tokens[++pos]) labels.push(t.value);
    const brace = tokens[pos];
    if (!(brace?.kind === 'punct' && brace.value === '{'))
      throw new HclSyntaxError(`block ${token.value}: expected {`, brace?.line ?? token.line);
    const body = parseBody(tokens, pos + 1, true);
    items.push({ type: 'block', name: token.value, labels, body: body.items, line: token.line });
    pos = body.pos;
  }
  if (nested) throw new HclSyntaxError('a block is never closed (missing })', tokens.at(-1)?.line ?? 1);
  return { items, pos };
}

export function parseHcl(text: string): Item[] {
  return parseBody(lex(text).tokens, 0, false).items;
}

/** Tokens of an expression with string interpolations spliced in, in source order. */
function flatten(expr: Token[]): Token[] {
  return expr.flatMap((t) => (t.kind === 'string' ? [t, ...flatten(t.inner)] : [t]));
}

const BUILTIN_ROOTS = new Set(['each', 'count', 'self', 'path', 'terraform']);

interface Reference {
  kind: 'var' | 'local' | 'resource' | 'data' | 'module';
  name: string;
  line: number;
}

/** var.X, local.X, T.N, data.T.N, module.X, skipping names bound by `for` and dynamic-block iterators. */
function references(expr: Token[], bound: Set<string>): Reference[] {
  const tokens = flatten(expr);
  const local = new Set(bound);
  tokens.forEach((t, i) => {
    if (t.value !== 'for' || t.kind !== 'ident') return;
    for (let j = i + 1; tokens[j] && tokens[j]?.value !== 'in'; j++)
      if (tokens[j]?.kind === 'ident') local.add(tokens[j]?.value as string);
  });
  const refs: Reference[] = [];
  const word = (k: number) => (tokens[k]?.kind === 'ident' ? tokens[k]?.value : undefined);
  const dot = (k: number) => tokens[k]?.kind === 'punct' && tokens[k]?.value === '.';
  tokens.forEach((t, i) => {
    if (t.kind !== 'ident' || dot(i - 1) || !dot(i + 1) || !word(i + 2)) return;
    const root = t.value;
    const second = word(i + 2) as string;
    if (root === 'var') refs.push({ kind: 'var', name: second, line: t.line });
    else if (root === 'local') refs.push({ kind: 'local', name: second, line: t.line });
    else if (root === 'module') refs.push({ kind: 'module', name: second, line: t.line });
    else if (root === 'data' && dot(i + 3) && word(i + 4))
      refs.push({ kind: 'data', name: `${second}.${word(i + 4)}`, line: t.line });
    else if (!BUILTIN_ROOTS.has(root) && !local.has(root) && /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root))
      refs.push({ kind: 'resource', name: `${root}.${second}`, line: t.line });
  });
  return refs;
}

/** Every expression in a body, with the iterator names its dynamic blocks bind. */
function* expressions(items: Item[], bound: Set<string>): Generator<{ expr: Token[]; bound: Set<string> }> {
  for (const item of items) {
    if (item.type === 'attribute') {
      yield { expr: item.expr, bound };
      continue;
    }
    let inner = bound;
    if (item.name === 'dynamic') {
      const iterator = item.body.find((i): i is Attribute => i.type === 'attribute' && i.name === 'iterator');
      inner = new Set([...bound, iterator?.expr[0]?.value ?? item.labels[0] ?? '']);
    }
    yield* expressions(item.body, inner);
  }
}

/** templatefile("${path.module}/NAME", { k = ... }) calls: the template's basename and the keys passed. */
function templateCalls(expr: Token[]): { template: string; keys: string[]; line: number }[] {
  const calls: { template: string; keys: string[]; line: number }[] = [];
  expr.forEach((t, i) => {
    const pathToken = expr[i + 2];
    if (t.value !== 'templatefile' || pathToken?.kind !== 'string') return;
    const keys: string[] = [];
    let depth = 0;
    for (let j = i + 3; j < expr.length && depth >= 0; j++) {
      const u = expr[j] as Token;
      if (u.kind === 'punct' && /^[([{]$/.test(u.value)) depth++;
      else if (u.kind === 'punct' && /^[)\]}]$/.test(u.value)) depth--;
      else if (depth === 1 && (u.kind === 'ident' || u.kind === 'string') && expr[j + 1]?.value === '=')
        keys.push(u.value);
      if (depth === 0 && u.value === ')') break;
    }
    calls.push({ template: basename(pathToken.literal), keys, line: t.line });
  });
  return calls;
}

/** Names a template interpolates: the first identifier of every ${...} / %{...}. */
function templateNames(text: string): Set<string> {
  const { inner } = lexTemplate(text, 0, 1, null);
  const names = new Set<string>();
  inner.forEach((t, i) => {
    const prev = inner[i - 1];
    if (t.kind === 'ident' && !(prev?.kind === 'punct' && prev.value === '.') && inner[i + 1]?.value !== '(')
      names.add(t.value);
  });
  for (const keyword of ['for', 'in', 'if', 'else', 'endif', 'endfor', 'true', 'false', 'null']) names.delete(keyword);
  return names;
}

export function checkInfra(files: InfraFile[], templates: InfraFile[] = [], tfvarsExample?: InfraFile): InfraProblem[] {
  const problems: InfraProblem[] = [];
  type Where = { file: string; line: number };
  const declared = {
    var: new Map<string, Where>(),
    local: new Map<string, Where>(),
    resource: new Map<string, Where>(),
    data: new Map<string, Where>(),
    module: new Map<string, Where>(),
  };
  const required = new Set<string>();
  const uses: (Reference & { file: string })[] = [];
  const calls: { template: string; keys: string[]; line: number; file: string }[] = [];
  const declare = (kind: keyof typeof declared, name: string, file: string, line: number) => {
    if (declared[kind].has(name)) problems.push({ file, line, message: `${kind} ${name} is declared twice` });
    declared[kind].set(name, { file, line });
  };
  for (const file of files) {
    let items: Item[];
    try {
      items = parseHcl(file.text);
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
      problems.push({ file: file.path, line: error.line, message: `syntax: ${error.message}` });
      continue;
    }
    for (const item of items) {
      if (item.type !== 'block') continue;
      const [a = '', b = ''] = item.labels;
      if (item.name === 'variable') {
        declare('var', a, file.path, item.line);
        if (!item.body.some((i) => i.type === 'attribute' && i.name === 'default')) required.add(a);
      } else if (item.name === 'locals') {
        for (const i of item.body) if (i.type === 'attribute') declare('local', i.name, file.path, i.line);
      } else if (item.name === 'resource') declare('resource', `${a}.${b}`, file.path, item.line);
      else if (item.name === 'data') declare('data', `${a}.${b}`, file.path, item.line);
      else if (item.name === 'module') declare('module', a, file.path, item.line);
      // A variable's own validation does not count as a use of it.
      if (item.name === 'variable') continue;
      for (const { expr, bound } of expressions([item], new Set())) {
        uses.push(...references(expr, bound).map((r) => ({ ...r, file: file.path })));
        calls.push(...templateCalls(flatten(expr)).map((c) => ({ ...c, file: file.path })));
      }
    }
  }
  const used = new Set(uses.map((u) => `${u.kind}:${u.name}`));
  for (const use of uses) {
    if (!declared[use.kind].has(use.name))
      problems.push({
        file: use.file,
        line: use.line,
        message: `${use.kind} ${use.name} is referenced but never declared`,
      });
  }
  for (const kind of ['var', 'local'] as const) {
    for (const [name, where] of declared[kind]) {
      if (!used.has(`${kind}:${name}`))
        problems.push({ ...where, message: `${kind} ${name} is declared but never used` });
    }
  }
  for (const call of calls) {
    const template = templates.find((t) => basename(t.path) === call.template);
    if (!template) {
      problems.push({ file: call.file, line: call.line, message: `templatefile: ${call.template} not found` });
      continue;
    }
    const names = templateNames(template.text);
    for (const name of names)
      if (!call.keys.includes(name))
        problems.push({
          file: template.path,
          line: 1,
          message: `template uses \${${name}} but ${call.file} does not pass it`,
        });
    for (const key of call.keys)
      if (!names.has(key))
        problems.push({
          file: call.file,
          line: call.line,
          message: `templatefile passes ${key} but ${call.template} never uses it`,
        });
  }
  if (tfvarsExample) {
    const set = new Set<string>();
    tfvarsExample.text.split('\n').forEach((text, index) => {
      const match = /^(#\s*)?([a-z_][a-z0-9_]*)\s*=/.exec(text);
      if (!match) return;
      if (!match[1]) set.add(match[2] as string);
      if (!declared.var.has(match[2] as string))
        problems.push({ file: tfvarsExample.path, line: index + 1, message: `${match[2]} is not a declared variable` });
    });
    for (const name of required)
      if (!set.has(name))
        problems.push({
          file: tfvarsExample.path,
          line: 1,
          message: `required variable ${name} is not set in the example`,
        });
  }
  return problems;
}

/** Reads DIR/*.tf, DIR/*.tftpl and DIR/terraform.tfvars.example and checks them. */
export function checkInfraDir(dir: string): InfraProblem[] {
  const read = (suffix: string) =>
    readdirSync(dir)
      .filter((name) => name.endsWith(suffix))
      .sort()
      .map((name) => ({ path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
  const example = read('terraform.tfvars.example')[0];
  const runbookPath = join(dir, '..', 'docs', 'runbook.md');
  const runbook = existsSync(runbookPath) ? readFileSync(runbookPath, 'utf8') : '';
  return [...checkInfra(read('.tf'), read('.tftpl'), example), ...checkOperations(read('.tf'), runbook)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2] ?? 'infra';
  const problems = checkInfraDir(dir);
  for (const p of problems) process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
  process.stdout.write(problems.length ? `check-infra: ${problems.length} problem(s)\n` : `check-infra: ${dir} OK\n`);
  process.exit(problems.length ? 1 : 0);
}
