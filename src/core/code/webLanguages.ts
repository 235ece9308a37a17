import { type Node } from 'web-tree-sitter';
import {
  type LanguageSpec,
  type SymbolKind,
  type SymbolName,
  type SymbolRule,
  declaratorNames,
  firstNamedChild,
} from './symbolRules';

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** `const f = () => …` is a function; other `const`s are constants, `let`/`var` variables. */
function variableKind(declaration: Node): (declarator: Node, single: boolean) => SymbolKind {
  const keyword = declaration.childForFieldName('kind')?.text;
  return (declarator, single) => {
    const value = declarator.childForFieldName('value');
    if (single && value && FUNCTION_VALUES.has(value.type)) return 'function';
    return keyword === 'const' ? 'constant' : 'variable';
  };
}

/** `handle = () => …` in a class body is a method; other fields are part of the class's own text. */
function functionField(nameField: string) {
  return (node: Node): SymbolName[] => {
    const nameNode = node.childForFieldName(nameField);
    const value = node.childForFieldName('value');
    return nameNode && value && FUNCTION_VALUES.has(value.type) ? [{ name: nameNode.text, nameNode }] : [];
  };
}

/** `exports` or `module.exports`: the objects a CommonJS module exports through. */
function isExportsObject(node: Node): boolean {
  if (node.type === 'identifier') return node.text === 'exports';
  return node.type === 'member_expression' && node.childForFieldName('object')?.text === 'module' && node.childForFieldName('property')?.text === 'exports';
}

/**
 * CommonJS exports at module level: `exports.parse = function …` and `module.exports.load = () => …`
 * are `parse` and `load`, and `module.exports = …` is `module.exports`; other assignments are not
 * symbols. A function value makes a function, a class a class, anything else a variable.
 */
function exportAssignment(node: Node): SymbolName[] {
  const left = node.childForFieldName('left');
  const value = node.childForFieldName('right');
  if (!left || !value) return [];
  const kind: SymbolKind = FUNCTION_VALUES.has(value.type) ? 'function' : value.type === 'class' ? 'class' : 'variable';
  if (isExportsObject(left) && left.type === 'member_expression') return [{ name: 'module.exports', nameNode: left, kind }];
  const object = left.type === 'member_expression' ? left.childForFieldName('object') : null;
  const property = left.childForFieldName('property');
  if (!object || !isExportsObject(object) || property?.type !== 'property_identifier') return [];
  return [{ name: property.text, nameNode: property, kind }];
}

/** The members of an exported object literal or class are symbols of their own (`module.exports = { parse() {} }`). */
function exportedMembers(node: Node): Node | null {
  const value = node.childForFieldName('right');
  if (value?.type === 'object') return value;
  return value?.type === 'class' ? value.childForFieldName('body') : null;
}

const variables: SymbolRule = {
  kind: 'variable',
  topLevelOnly: true,
  names: (node) => declaratorNames(node, 'variable_declarator', variableKind(node)),
};

const jsRules: Record<string, SymbolRule> = {
  // Reached only through `export default` (see `defaultExport`): elsewhere they are parts of expressions.
  function_expression: { kind: 'function', names: defaultName },
  function: { kind: 'function', names: defaultName },
  generator_function: { kind: 'function', names: defaultName },
  arrow_function: { kind: 'function', names: defaultName },
  class: { kind: 'class', body: 'body', names: defaultName },
  object: { kind: 'constant', names: defaultName },
  function_declaration: { kind: 'function' },
  generator_function_declaration: { kind: 'function' },
  class_declaration: { kind: 'class', body: 'body' },
  method_definition: { kind: 'method' },
  field_definition: { kind: 'method', names: functionField('property') },
  lexical_declaration: variables,
  variable_declaration: variables,
  assignment_expression: { kind: 'variable', topLevelOnly: true, names: exportAssignment, body: exportedMembers },
  // Reached only inside an exported object (see `exportedMembers`): `parse: () => …` is a method.
  pair: { kind: 'method', names: functionField('key') },
};

const tsRules: Record<string, SymbolRule> = {
  ...jsRules,
  function_signature: { kind: 'function' },
  public_field_definition: { kind: 'method', names: functionField('name') },
  abstract_class_declaration: { kind: 'class', body: 'body' },
  abstract_method_signature: { kind: 'method' },
  // An overload signature in a class (`f(a: string): void;`) is a method of that name of its own,
  // paired with the same name's other signatures and body in order, as top-level function overloads are.
  method_signature: { kind: 'method' },
  interface_declaration: { kind: 'interface' },
  type_alias_declaration: { kind: 'type' },
  enum_declaration: { kind: 'enum' },
  internal_module: { kind: 'namespace', body: 'body' },
  module: { kind: 'module', body: 'body' },
  // Reached only through `declare global { … }` (see `tsWrappers`): the block is the namespace `global`.
  statement_block: { kind: 'namespace', names: globalBlock, body: (node) => node },
};

/** `declare global { … }` holds its block right under `declare`; elsewhere a block is no symbol. */
function globalBlock(node: Node): SymbolName[] {
  return node.parent?.type === 'ambient_declaration' ? [{ name: 'global', nameNode: null }] : [];
}

/** What `export default` may hold that is a symbol of its own (named `default` when anonymous). */
const DEFAULT_EXPORTS = new Set([...FUNCTION_VALUES, 'class', 'object']);

/** `export default function () {}`, `export default class {}`, `export default {…}`: the value, when it is one of those. */
function defaultExport(node: Node): Node | null {
  const value = node.childForFieldName('value');
  return value && DEFAULT_EXPORTS.has(value.type) && node.children.some((c) => c?.type === 'default') ? value : null;
}

/** A default export's own name when it has one (`export default class Foo {}` as an expression), else `default`. */
function defaultName(node: Node): SymbolName[] {
  const nameNode = node.childForFieldName('name');
  return [{ name: nameNode?.text ?? 'default', nameNode }];
}

/** The assignment a statement consists of (`exports.parse = …;`), for `exportAssignment` to judge. */
function assignmentStatement(node: Node): Node | null {
  const inner = node.firstNamedChild;
  return inner?.type === 'assignment_expression' ? inner : null;
}

const jsWrappers: Record<string, (node: Node) => Node | null> = {
  export_statement: (node) => node.childForFieldName('declaration') ?? defaultExport(node),
  expression_statement: assignmentStatement,
};

const tsWrappers: Record<string, (node: Node) => Node | null> = {
  ...jsWrappers,
  ambient_declaration: firstNamedChild,
  // `namespace X {}` parses as an expression statement holding an internal_module.
  expression_statement: (node) => {
    const inner = node.firstNamedChild;
    return inner?.type === 'internal_module' ? inner : assignmentStatement(node);
  },
};

export const typescript: LanguageSpec = {
  id: 'typescript',
  grammar: 'tree-sitter-typescript.wasm',
  rules: tsRules,
  wrappers: tsWrappers,
  // A class member's decorators are the class body's children before it (`@Get() list() {}`).
  leading: ['decorator'],
};

export const tsx: LanguageSpec = { ...typescript, id: 'tsx', grammar: 'tree-sitter-tsx.wasm' };

export const javascript: LanguageSpec = {
  id: 'javascript',
  grammar: 'tree-sitter-javascript.wasm',
  rules: jsRules,
  wrappers: jsWrappers,
};

/** PHP: functions, classes, interfaces, traits, enums, methods, namespaces. */
export const php: LanguageSpec = {
  id: 'php',
  grammar: 'tree-sitter-php.wasm',
  rules: {
    function_definition: { kind: 'function' },
    class_declaration: { kind: 'class', body: 'body' },
    interface_declaration: { kind: 'interface', body: 'body' },
    trait_declaration: { kind: 'trait', body: 'body' },
    enum_declaration: { kind: 'enum', body: 'body' },
    method_declaration: { kind: 'method' },
    namespace_definition: { kind: 'namespace', body: 'body' },
  },
};
