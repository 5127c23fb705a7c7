/** List routes answer either a bare array or a keyset page `{ data, nextCursor }`. */
export function asList<T>(body: T[] | { data: T[] } | undefined | null): T[] {
  if (!body) return [];
  return Array.isArray(body) ? body : Array.isArray(body.data) ? body.data : [];
}
