import { type Node } from 'web-tree-sitter';
import { type LanguageSpec, type SymbolName, oneLine } from './symbolRules';

/** `X = 1` and `A, B = 1, 2` at module level; attribute or subscript targets are not symbols. */
function assignmentNames(node: Node): SymbolName[] {
  const left = node.childForFieldName('left');
  if (!left) return [];
  if (left.type === 'identifier') return [{ name: left.text, nameNode: left }];
  if (left.type !== 'pattern_list' && left.type !== 'tuple_pattern') return [];
  return left.namedChildren
    .filter((c) => c.type === 'identifier')
    .map((c) => ({ name: c.text, nameNode: c }));
}

/** The blocks of a Python compound statement and of its clauses (`elif`, `else`, `except`, `finally`). */
function pythonBlocks(node: Node): Node[] {
  return node.namedChildren.flatMap((c) => (c.type === 'block' ? [c] : c.type.endsWith('_clause') ? c.namedChildren.filter((b) => b.type === 'block') : []));
}

/**
 * Python: def (function, or method in a class), class, module-level assignments; decorators
 * included. Definitions under an `if`, `try` or `with` at module or class level
 * (`if TYPE_CHECKING:`, `try: … except ImportError:`) are the module's or the class's.
 */
export const python: LanguageSpec = {
  id: 'python',
  grammar: 'tree-sitter-python.wasm',
  rules: {
    function_definition: { kind: 'function' },
    class_definition: { kind: 'class', body: 'body' },
    assignment: { kind: 'variable', topLevelOnly: true, names: assignmentNames },
  },
  wrappers: {
    decorated_definition: (node) => node.childForFieldName('definition'),
    expression_statement: (node) => {
      const inner = node.firstNamedChild;
      return inner?.type === 'assignment' ? inner : null;
    },
  },
  transparent: { if_statement: pythonBlocks, try_statement: pythonBlocks, with_statement: pythonBlocks },
};

/** Ruby `def self.name` is reported as `self.name`. */
function singletonMethodName(node: Node): SymbolName[] {
  const nameNode = node.childForFieldName('name');
  const object = node.childForFieldName('object');
  if (!nameNode) return [];
  return [{ name: `${object ? oneLine(object.text) + '.' : ''}${nameNode.text}`, nameNode }];
}

/** Ruby: def (always a method in Ruby, even at top level), classes, modules. */
export const ruby: LanguageSpec = {
  id: 'ruby',
  grammar: 'tree-sitter-ruby.wasm',
  rules: {
    method: { kind: 'method' },
    singleton_method: { kind: 'method', names: singletonMethodName },
    class: { kind: 'class', body: 'body' },
    module: { kind: 'module', body: 'body' },
  },
};
