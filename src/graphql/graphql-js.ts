// The graphql instance mercurius validates and executes with: its CommonJS build. A loader that
// resolves graphql's ESM build for our own imports (vitest, bundlers) would load a second copy whose
// rules and types the first rejects ("from another module or realm") or, for the introspection rule
// in production, silently ignores. Everything in src/graphql takes graphql from here.
import { createRequire } from 'node:module'

export const graphqlJs = createRequire(import.meta.url)('graphql') as typeof import('graphql')
