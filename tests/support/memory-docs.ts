import type { MemoryDocument } from '../../src/memory/documents.js';

/** A memory document with empty lists and a fixed date; `extra` overrides any field. */
export function memoryDoc(
  id: string,
  title: string,
  body: string,
  extra: Partial<MemoryDocument> = {},
): MemoryDocument {
  return {
    id,
    source: 'import',
    title,
    body,
    labels: [],
    services: [],
    alertnames: [],
    commands: [],
    createdAt: '2025-05-01T00:00:00.000Z',
    updatedAt: '2025-05-01T00:00:00.000Z',
    ...extra,
  };
}
