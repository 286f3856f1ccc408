/**
 * The syntax tree of a watch rule, and how each node is written back as text (explanations quote
 * operands as the user wrote them, and recorded values are keyed by that text).
 */

export type Unit = 'duration' | 'bytes';

export type BinaryOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

interface At {
  /** 1-based column of the node's first character in the rule's text. */
  column: number;
}

export type Node =
  | (At & { kind: 'number'; value: number; unit?: Unit; text: string })
  | (At & { kind: 'string'; value: string })
  | (At & { kind: 'boolean'; value: boolean })
  | (At & { kind: 'null' })
  | (At & { kind: 'list'; items: Node[] })
  | (At & { kind: 'name'; name: string })
  | (At & { kind: 'member'; object: Node; key: string })
  | (At & { kind: 'index'; object: Node; index: Node })
  | (At & { kind: 'call'; name: string; args: Node[] })
  | (At & { kind: 'negate'; operand: Node })
  | (At & { kind: 'not'; operand: Node })
  | (At & { kind: 'arithmetic'; operator: BinaryOperator; left: Node; right: Node })
  | (At & { kind: 'compare'; operator: ComparisonOperator; left: Node; right: Node })
  | (At & { kind: 'in'; left: Node; right: Node; negated: boolean })
  | (At & { kind: 'match'; left: Node; pattern: RegExp; source: string; negated: boolean })
  | (At & { kind: 'logical'; operator: 'and' | 'or'; left: Node; right: Node });

export type NodeOf<K extends Node['kind']> = Extract<Node, { kind: K }>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A node as canonical text: `body.a["b c"][0]`, `len(body.items) >= 3`. */
export function print(node: Node): string {
  switch (node.kind) {
    case 'number':
      return node.text;
    case 'string':
      return JSON.stringify(node.value);
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'list':
      return `[${node.items.map(print).join(', ')}]`;
    case 'name':
      return node.name;
    case 'member':
      return IDENTIFIER.test(node.key)
        ? `${print(node.object)}.${node.key}`
        : `${print(node.object)}[${JSON.stringify(node.key)}]`;
    case 'index':
      return `${print(node.object)}[${print(node.index)}]`;
    case 'call':
      return `${node.name}(${node.args.map(print).join(', ')})`;
    case 'negate':
      return `-${printOperand(node.operand)}`;
    case 'not':
      return `not ${printOperand(node.operand)}`;
    case 'arithmetic':
    case 'compare':
      return `${printOperand(node.left)} ${node.operator} ${printOperand(node.right)}`;
    case 'in':
      return `${printOperand(node.left)} ${node.negated ? 'not in' : 'in'} ${printOperand(node.right)}`;
    case 'match':
      return `${printOperand(node.left)} ${node.negated ? '!~' : '=~'} ${node.source}`;
    case 'logical':
      return `${printOperand(node.left)} ${node.operator} ${printOperand(node.right)}`;
  }
}

/** Compound operands in parentheses, so the printed text reads back as the same tree. */
function printOperand(node: Node): string {
  const compound = ['arithmetic', 'compare', 'in', 'match', 'logical', 'not'].includes(node.kind);
  return compound ? `(${print(node)})` : print(node);
}

/** True for literal values (their printed text is their value: explanations show them as is). */
export function isLiteral(node: Node): boolean {
  return ['number', 'string', 'boolean', 'null', 'list'].includes(node.kind);
}
