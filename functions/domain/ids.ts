// The one shape of an id an organisation chooses (surveys, questions, options, indicator nodes, units, rules): short,
// URL-safe, and never the name of a built-in object property, so an id used as a key can never reach "constructor" or
// "toString" of a plain object anywhere it is looked up.
import { z } from 'zod';

/** Object.prototype's own names (constructor, toString, valueOf, hasOwnProperty, …): refused as ids. */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export const isReservedId = (id: string): boolean => RESERVED.has(id);

export function idSchema(pattern: RegExp = ID_PATTERN, message = 'use letters, digits, "-" and "_" only') {
  return z
    .string()
    .min(1)
    .max(64)
    .regex(pattern, message)
    .refine((id) => !RESERVED.has(id), { message: 'is a reserved word (the name of a built-in property); choose another id' });
}

export const Id = idSchema();
