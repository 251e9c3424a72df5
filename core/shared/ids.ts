import { randomUUID } from 'node:crypto';

/** A random UUID v4: unguessable, so an id in a link reveals nothing about its neighbours. */
export const newId = (): string => randomUUID();
