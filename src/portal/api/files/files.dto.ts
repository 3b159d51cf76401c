import { z } from 'zod';

/** A stored file id as the files room makes them (UUIDs), checked loosely for shape. */
export const fileIdParam = z.string().regex(/^[\w-]{1,64}$/, 'is not a file id');
