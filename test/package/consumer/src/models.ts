// A consumer's models file, type-checked with the consumer's own strict tsconfig (standard
// decorators, no experimentalDecorators) against the installed tablegraph package.
import {
  type Backend,
  belongsTo,
  field,
  hasMany,
  type InputFor,
  Model,
  partitionKey,
  sortKey,
  type ValuesFor,
} from 'tablegraph';

export function createModels(backend: Backend) {
  class Author extends Model('Author', {
    id: field.string({ primaryKey: true }),
    name: field.string({ maxLength: 100 }),
    bio: field.string({ optional: true }),
  }) {
    static meta = { backend };
    static relations = { posts: hasMany(() => Post, { authorId: 'id' }) };
    @partitionKey pk() {
      return `AUTHOR#${this.id}`;
    }
    @sortKey sk() {
      return 'PROFILE';
    }
  }

  class Post extends Model(
    'Post',
    {
      authorId: field.string(),
      postId: field.string(),
      title: field.string({ minLength: 1 }),
      views: field.int({ min: 0, default: 0 }),
    },
    { timestamps: true },
  ) {
    static meta = { backend };
    static relations = { author: belongsTo(() => Author, { id: 'authorId' }) };
    @partitionKey pk() {
      return `AUTHOR#${this.authorId}`;
    }
    @sortKey sk() {
      return `POST#${this.postId}`;
    }
  }

  return [Author, Post] as const;
}

export type Models = ReturnType<typeof createModels>;

// Inferred item and input types: these lines fail to compile if inference breaks.
type AuthorValues = ValuesFor<Models[0]>;
type PostInput = InputFor<Models[1]>;
export const checks = {
  name: (a: AuthorValues): string => a.name,
  bio: (a: AuthorValues): string | null => a.bio,
  views: (p: PostInput): number | null | undefined => p.views,
};
// @ts-expect-error `name` is a string
export const badAuthor: InputFor<Models[0]> = { id: 'x', name: 42 };
// @ts-expect-error `title` is required
export const badPost: PostInput = { authorId: 'a', postId: 'p' };

export async function seed([Author, Post]: Models): Promise<void> {
  await Author.batchCreate([
    { id: 'ann', name: 'Ann' },
    { id: 'bo', name: 'Bo', bio: 'Writes about tables.' },
  ]);
  await Post.batchCreate([
    { authorId: 'ann', postId: 'p1', title: 'Single-table design' },
    { authorId: 'bo', postId: 'p2', title: 'GSIs in practice', views: 3 },
    { authorId: 'ann', postId: 'p3', title: 'Cursors' },
  ]);
}
