import { type Node } from 'web-tree-sitter';
import {
  type LanguageSpec,
  type SymbolKind,
  type SymbolName,
  byNameField,
  byNameFieldWithBody,
  childOfType,
  fieldText,
  lastNamedChild,
  oneLine,
} from './symbolRules';

/** Receiver types as Go prints them: `*Server`, and `Server` for `Server[T]`. */
function goTypeName(type: Node): string {
  if (type.type === 'pointer_type') {
    const inner = type.firstNamedChild;
    return `*${inner ? goTypeName(inner) : ''}`;
  }
  if (type.type === 'generic_type') return fieldText(type, 'type') ?? oneLine(type.text);
  return oneLine(type.text);
}

/** `func (s *Server) Start()` is `(*Server).Start`. */
function goMethodName(node: Node): SymbolName[] {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return [];
  const receiverType = node.childForFieldName('receiver')?.firstNamedChild?.childForFieldName('type');
  const receiver = receiverType ? `(${goTypeName(receiverType)}).` : '';
  return [{ name: receiver + nameNode.text, nameNode }];
}

const GO_TYPE_KINDS: Readonly<Record<string, SymbolKind>> = { struct_type: 'struct', interface_type: 'interface' };

/**
 * One symbol per name in `type (…)`, `const (…)`, `var (…)`; a lone spec takes the whole declaration.
 * The grammar puts the specs of `var (…)` in a `var_spec_list`, those of the others right in the declaration.
 */
function goSpecNames(specTypes: readonly string[], kindOf: (spec: Node) => SymbolKind) {
  return (node: Node): SymbolName[] => {
    const specs = node.namedChildren
      .flatMap((c) => (c.type.endsWith('_spec_list') ? c.namedChildren : [c]))
      .filter((c) => specTypes.includes(c.type));
    return specs.flatMap((spec) =>
      spec.childrenForFieldName('name').filter((n) => n.isNamed).map((nameNode) => ({
        name: nameNode.text,
        nameNode,
        kind: kindOf(spec),
        ...(specs.length > 1 ? { span: spec } : {}),
      })),
    );
  };
}

/** Go: functions, methods (named by receiver), type specs, package-level const and var. */
export const go: LanguageSpec = {
  id: 'go',
  grammar: 'tree-sitter-go.wasm',
  rules: {
    function_declaration: { kind: 'function' },
    method_declaration: { kind: 'method', names: goMethodName },
    type_declaration: {
      kind: 'type',
      names: goSpecNames(['type_spec', 'type_alias'], (spec) => {
        const type = spec.childForFieldName('type')?.type ?? '';
        return Object.hasOwn(GO_TYPE_KINDS, type) ? (GO_TYPE_KINDS[type] ?? 'type') : 'type';
      }),
    },
    const_declaration: { kind: 'constant', names: goSpecNames(['const_spec'], () => 'constant') },
    var_declaration: { kind: 'variable', names: goSpecNames(['var_spec'], () => 'variable') },
  },
};

/** `impl Foo` and `impl Display for Foo<T>`: impl blocks are named by their type. */
function rustImplName(node: Node): SymbolName[] {
  const type = fieldText(node, 'type');
  if (!type) return [];
  const trait = fieldText(node, 'trait');
  return [{ name: trait ? `impl ${trait} for ${type}` : `impl ${type}`, nameNode: null }];
}

/** Rust: fn, struct, enum, union, trait, impl, mod, const, static, type, macro_rules, and what extern blocks declare. */
export const rust: LanguageSpec = {
  id: 'rust',
  grammar: 'tree-sitter-rust.wasm',
  rules: {
    function_item: { kind: 'function' },
    function_signature_item: { kind: 'function' },
    struct_item: { kind: 'struct' },
    enum_item: { kind: 'enum' },
    union_item: { kind: 'union' },
    trait_item: { kind: 'trait', body: 'body' },
    impl_item: { kind: 'impl', body: 'body', names: rustImplName },
    mod_item: { kind: 'module', body: 'body' },
    const_item: { kind: 'constant' },
    static_item: { kind: 'variable' },
    type_item: { kind: 'type' },
    macro_definition: { kind: 'macro' },
  },
  leading: ['attribute_item'],
  // `extern "C" { fn f(); }`: a foreign function is declared in the module the block sits in.
  transparent: { foreign_mod_item: (node) => node.childrenForFieldName('body').filter((b) => b.type === 'declaration_list') },
};

/** Java: classes, interfaces, enums (with their methods), records, methods, constructors. */
export const java: LanguageSpec = {
  id: 'java',
  grammar: 'tree-sitter-java.wasm',
  rules: {
    class_declaration: { kind: 'class', body: 'body' },
    interface_declaration: { kind: 'interface', body: 'body' },
    annotation_type_declaration: { kind: 'interface' },
    enum_declaration: {
      kind: 'enum',
      body: (node) => childOfType(node.childForFieldName('body'), 'enum_body_declarations'),
    },
    record_declaration: { kind: 'class', body: 'body' },
    method_declaration: { kind: 'method' },
    constructor_declaration: { kind: 'method' },
    compact_constructor_declaration: { kind: 'method' },
  },
};

/** C#: namespaces (a file-scoped one holds what follows it), classes, structs, interfaces, enums, records, delegates, methods, properties. */
export const csharp: LanguageSpec = {
  id: 'csharp',
  grammar: 'tree-sitter-c-sharp.wasm',
  rules: {
    namespace_declaration: { kind: 'namespace', body: 'body' },
    file_scoped_namespace_declaration: { kind: 'namespace', opensScope: true },
    class_declaration: { kind: 'class', body: 'body' },
    struct_declaration: { kind: 'struct', body: 'body' },
    interface_declaration: { kind: 'interface', body: 'body' },
    record_declaration: { kind: 'class', body: 'body' },
    record_struct_declaration: { kind: 'struct', body: 'body' },
    enum_declaration: { kind: 'enum' },
    delegate_declaration: { kind: 'type' },
    method_declaration: { kind: 'method' },
    constructor_declaration: { kind: 'method' },
    property_declaration: { kind: 'property' },
  },
};

/** The name inside a C declarator chain: `int *f(void)` → `f`, `void ns::A::m()` → `ns::A::m`. */
function cFunctionName(node: Node): SymbolName[] {
  let declarator = node.childForFieldName('declarator');
  while (declarator && declarator.type !== 'function_declarator') {
    declarator = declarator.childForFieldName('declarator') ?? declarator.lastNamedChild;
  }
  const nameNode = declarator?.childForFieldName('declarator');
  return nameNode ? [{ name: oneLine(nameNode.text), nameNode }] : [];
}

/** `typedef struct {…} P, *PP;` names `P` and `PP`. */
function typedefNames(node: Node): SymbolName[] {
  return node.childrenForFieldName('declarator').filter((d) => d.isNamed).flatMap((d) => {
    const nameNode = d.type === 'type_identifier' ? d : d.descendantsOfType('type_identifier')[0];
    return nameNode ? [{ name: nameNode.text, nameNode }] : [];
  });
}

/** C and C++ (both parsed with the C++ grammar): functions, classes, structs, unions, enums, namespaces, typedefs. */
export const cpp: LanguageSpec = {
  id: 'cpp',
  grammar: 'tree-sitter-cpp.wasm',
  rules: {
    function_definition: { kind: 'function', names: cFunctionName },
    class_specifier: { kind: 'class', body: 'body', names: byNameFieldWithBody },
    struct_specifier: { kind: 'struct', body: 'body', names: byNameFieldWithBody },
    union_specifier: { kind: 'union', body: 'body', names: byNameFieldWithBody },
    enum_specifier: { kind: 'enum', names: byNameFieldWithBody },
    namespace_definition: {
      kind: 'namespace',
      body: 'body',
      names: (node) => {
        const named = byNameField(node);
        return named.length > 0 ? named : [{ name: '(anonymous)', nameNode: null }];
      },
    },
    type_definition: { kind: 'type', names: typedefNames },
    alias_declaration: { kind: 'type' },
  },
  wrappers: { template_declaration: lastNamedChild },
};

export const c: LanguageSpec = { ...cpp, id: 'c' };
