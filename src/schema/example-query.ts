import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';

const leaves = (type: GraphQLObjectType, max: number) =>
  Object.values(type.getFields())
    .filter(
      (f) =>
        f.name !== 'id' &&
        isLeafType(getNamedType(f.type)) &&
        !f.args.some((a) => isNonNullType(a.type)),
    )
    .slice(0, max)
    .map((f) => f.name);

/** The node type of a connection field (`edges { node }`), or null. */
function nodeTypeOf(field: GraphQLField<unknown, unknown>): GraphQLObjectType | null {
  const connection = getNamedType(field.type);
  if (!isObjectType(connection)) return null;
  const edges = connection.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  const type = node && getNamedType(node.type);
  return type && isObjectType(type) ? type : null;
}

/** A field of the node that points at another Node (a belongsTo relation), or null. */
function relationOf(node: GraphQLObjectType): GraphQLField<unknown, unknown> | null {
  return (
    Object.values(node.getFields()).find((f) => {
      const t = getNamedType(f.type);
      return (
        isObjectType(t) &&
        t.getInterfaces().some((i) => i.name === 'Node') &&
        !f.args.some((a) => isNonNullType(a.type))
      );
    }) ?? null
  );
}

/**
 * The query GraphiQL opens with: a short comment saying what the server is, then a list of the
 * served models with a relation (the first connection whose items point at another model), so
 * the first click on "run" shows real data and one batched lookup.
 */
export function exampleQuery(schema: GraphQLSchema): string {
  const query = schema.getQueryType();
  const nodes = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType =>
      isObjectType(t) && t.getInterfaces().some((i) => isInterfaceType(i) && i.name === 'Node'),
  );
  // Short lines: GraphiQL's editor is about 60 characters wide.
  const names = nodes.map((t) => t.name);
  const modelLines: string[] = [];
  for (const name of names.length ? names : ['(none)']) {
    const last = modelLines.at(-1);
    if (last !== undefined && last.length + name.length < 56)
      modelLines[modelLines.length - 1] = `${last}, ${name}`;
    else modelLines.push(name);
  }
  const header = [
    '# tablegraph: GraphQL over one DynamoDB table.',
    ...modelLines.map((line, i) => `# ${i === 0 ? 'Models: ' : '  '}${line}`),
    '# Run it (Ctrl+Enter): a list and its relation, whose',
    '# lookups go to DynamoDB as one BatchGetItem.',
  ].join('\n');
  const lists = Object.values(query?.getFields() ?? {}).filter(
    (f) => !f.args.some((a) => isNonNullType(a.type)) && nodeTypeOf(f) !== null,
  );
  const chosen = lists.find((f) => relationOf(nodeTypeOf(f)!) !== null) ?? lists[0];
  if (!chosen) return `${header}\n{\n  __typename\n}\n`;
  const node = nodeTypeOf(chosen)!;
  const relation = relationOf(node);
  const pad = (n: number) => ' '.repeat(n);
  const lines = leaves(node, 4).map((f) => `${pad(8)}${f}`);
  if (relation)
    lines.push(
      `${pad(8)}${relation.name} {`,
      ...leaves(getNamedType(relation.type) as GraphQLObjectType, 3).map((f) => `${pad(10)}${f}`),
      `${pad(8)}}`,
    );
  const first = chosen.args.some((a) => a.name === 'first') ? '(first: 5)' : '';
  return [
    header,
    'query Example {',
    `  ${chosen.name}${first} {`,
    '    edges {',
    '      node {',
    ...lines,
    '      }',
    '    }',
    '    pageInfo {',
    '      hasNextPage',
    '      endCursor',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
