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
};

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

const jsWrappers: Record<string, (node: Node) => Node | null> = {
  export_statement: (node) => node.childForFieldName('declaration') ?? defaultExport(node),
};

const tsWrappers: Record<string, (node: Node) => Node | null> = {
  ...jsWrappers,
  ambient_declaration: firstNamedChild,
  // `namespace X {}` parses as an expression statement holding an internal_module.
  expression_statement: (node) => {
    const inner = node.firstNamedChild;
    return inner?.type === 'internal_module' ? inner : null;
  },
};

export const typescript: LanguageSpec = {
  id: 'typescript',
  grammar: 'tree-sitter-typescript.wasm',
  rules: tsRules,
  wrappers: tsWrappers,
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
